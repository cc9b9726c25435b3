import { describe, expect, it } from '@jest/globals';
import { clientTrustPeerId } from './client-peer-id.js';

describe('clientTrustPeerId', () => {
  it("uses the Python reference's format for reference-style client ids", () => {
    expect(clientTrustPeerId('alice@example.com', 'mcp_0123abcd')).toBe(
      'oauth2_client:alice_at_example_dot_com:mcp_0123abcd',
    );
    expect(clientTrustPeerId('a.b@c.d', 'x:y@z.w')).toBe(
      'oauth2_client:a_dot_b_at_c_dot_d:x_colon_y_at_z_dot_w',
    );
  });

  it('turns URL client ids into a safe peer id, distinct per URL', () => {
    const a = clientTrustPeerId('alice@example.com', 'https://claude.ai/oauth/claude-code-client-metadata');
    const b = clientTrustPeerId('alice@example.com', 'https://claude.ai/oauth_claude-code-client-metadata');
    expect(a).toMatch(
      /^oauth2_client:alice_at_example_dot_com:https_colon___claude_dot_ai_oauth_claude-code-client-metadata_[0-9a-f]{12}$/,
    );
    expect(b).not.toBe(a);
    for (const id of [a, b]) expect(id).toMatch(/^[A-Za-z0-9._:@-]+$/);
  });

  it('bounds long parts', () => {
    const id = clientTrustPeerId('x'.repeat(500), 'y'.repeat(500));
    expect(id.length).toBeLessThan(230);
    expect(id).not.toBe(clientTrustPeerId('x'.repeat(499) + 'z', 'y'.repeat(500)));
  });
});
