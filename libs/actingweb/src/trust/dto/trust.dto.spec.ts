import { describe, expect, it } from '@jest/globals';
import { validateBody } from '../../common/validate-body.js';
import { BadRequestError } from '../../errors/actingweb.errors.js';
import { PeerApprovalDto, TrustChangeDto } from './trust.dto.js';

const refusal = (dto: new () => object, body: unknown) =>
  validateBody(dto, body).then(
    () => 'accepted',
    (err: unknown) => (err instanceof BadRequestError ? err.message : String(err)),
  );

describe('TrustChangeDto (PUT /trust/<rel>/<peer>)', () => {
  it('reads approved as a boolean or its string forms, and nothing else', async () => {
    expect((await validateBody(TrustChangeDto, { approved: 'True' })).approved).toBe(true);
    expect((await validateBody(TrustChangeDto, { approved: 'false' })).approved).toBe(false);
    expect(await refusal(TrustChangeDto, { approved: 'maybe' })).toBe('approved must be true or false');
    expect(await refusal(TrustChangeDto, { approved: null })).toBe('approved must be true or false');
  });

  it('takes desc, or description when there is no desc, bounded in UTF-8 bytes', async () => {
    expect((await validateBody(TrustChangeDto, { description: 'd' })).desc).toBe('d');
    expect((await validateBody(TrustChangeDto, { desc: 'a', description: 'b' })).desc).toBe('a');
    expect((await validateBody(TrustChangeDto, {})).desc).toBeUndefined();
    expect(await refusal(TrustChangeDto, { desc: 'é'.repeat(513) })).toBe(
      'desc must be a string of at most 1024 bytes',
    );
    expect(await refusal(TrustChangeDto, { description: 7 })).toBe(
      'desc must be a string of at most 1024 bytes',
    );
  });

  it('accepts only an absolute http(s) baseuri, and keeps permissions as sent', async () => {
    expect((await validateBody(TrustChangeDto, { baseuri: 'https://peer.example/a1/' })).baseuri).toBe(
      'https://peer.example/a1/',
    );
    expect(await refusal(TrustChangeDto, { baseuri: 42 })).toBe('baseuri must be a URL');
    expect(await refusal(TrustChangeDto, { baseuri: 'https://peer.example/a1?x=1' })).toMatch(
      /absolute http\(s\) URL/,
    );
    const permissions = { properties: { patterns: ['notes/*'] } };
    expect((await validateBody(TrustChangeDto, { permissions })).permissions).toEqual(permissions);
  });
});

describe('PeerApprovalDto (POST /trust/<rel>/<peer>)', () => {
  it('needs approved as a boolean or its string forms', async () => {
    expect((await validateBody(PeerApprovalDto, { approved: 'true' })).approved).toBe(true);
    expect((await validateBody(PeerApprovalDto, { approved: false })).approved).toBe(false);
    expect(await refusal(PeerApprovalDto, {})).toBe('Body must be {"approved": true|false}');
    expect(await refusal(PeerApprovalDto, { approved: 1 })).toBe('Body must be {"approved": true|false}');
  });
});
