import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A fake ActingWeb 3.14 (Python) actor on loopback that behaves on the wire as
 * the Python reference does (docs/trust.md#interoperability-with-python-peers):
 * flat `/meta`, trust records with string booleans and a `str(datetime)` timestamp, a
 * verification reply with `verification_token` only, relative `Location`
 * headers, 403 to the peer while a trust is pending, and the approval notice
 * accepted only with a real JSON `true` (`params["approved"] is True`).
 */
export interface PythonPeer {
  readonly id: string;
  /** Actor root URL, `http://127.0.0.1:<port>/<id>`. */
  readonly url: string;
  readonly type: string;
  /** Every request it received. */
  readonly requests: PeerRequest[];
  /** Its own trust records, by peer id. */
  readonly trusts: Map<string, PyTrust>;
  /** What our server answered to its verification GETs. */
  readonly verificationReplies: Array<{ status: number; body: any }>;
  /** Python's `create_reciprocal_trust`: GET meta, store, POST `<target>/trust/<rel>`. */
  requestTrust(
    targetUrl: string,
    relationship: string,
    extra?: Record<string, unknown>,
  ): Promise<{ status: number; location: string | null; body: any }>;
  /** Approves locally and POSTs the approval notice with `approved` as given (Python sends `true`). */
  approve(peerId: string, approved?: unknown): Promise<number>;
  /** Approves locally without telling the peer (the peer has to poll). */
  approveSilently(peerId: string): void;
  close(): Promise<void>;
}

export interface PeerRequest {
  method: string;
  path: string;
  authorization?: string;
  contentType?: string;
  body: string;
  json?: any;
}

export interface PyTrust {
  peerid: string;
  baseuri: string;
  type: string;
  relationship: string;
  secret: string;
  desc: string;
  approved: boolean;
  peer_approved: boolean;
  verified: boolean;
  verification_token: string;
}

export const PYTHON_TYPE = 'urn:actingweb:actingweb.org:actingwebdemo';
const token = () => randomBytes(20).toString('hex');

/** `str(datetime.utcnow())`, as Python writes timestamps. */
function pythonTimestamp(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '000');
}

export async function startPythonPeer(options: { autoApprove?: boolean } = {}): Promise<PythonPeer> {
  const id = randomBytes(16).toString('hex');
  const requests: PeerRequest[] = [];
  const trusts = new Map<string, PyTrust>();
  const verificationReplies: PythonPeer['verificationReplies'] = [];
  let url = '';

  /** A record as Python's `json.dumps(trust)` shows it. */
  const wire = (t: PyTrust) => ({
    id,
    peerid: t.peerid,
    baseuri: t.baseuri,
    type: t.type,
    relationship: t.relationship,
    secret: t.secret,
    desc: t.desc,
    approved: String(t.approved),
    peer_approved: String(t.peer_approved),
    verified: String(t.verified),
    verification_token: t.verification_token,
    established_via: 'trust',
    created_at: pythonTimestamp(),
  });
  const bySecret = (authorization: string | undefined) =>
    [...trusts.values()].find((t) => authorization === `Bearer ${t.secret}`);
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, request: PeerRequest) => {
    const parts = request.path.split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== id) return json(res, 404, { error: 'no such actor' });
    const [, resource, rel, peer] = parts;
    if (req.method === 'GET' && resource === 'meta' && parts.length === 2) {
      // Flat keys only, no nested "actingweb" object.
      return json(res, 200, {
        id,
        type: PYTHON_TYPE,
        version: '3.14',
        desc: `Python demo actor ${id}`,
        info: 'https://actingweb.org/',
        trustee_root: '',
        specification: '',
        aw_version: '1.0',
        aw_supported:
          'www,oauth,callbacks,trust,onewaytrust,subscriptions,subscriptionresync,subscriptionbatch,actions,resources,methods,sessions,nestedproperties,trustpermissions',
        aw_formats: 'json',
      });
    }
    if (resource === 'resources' && req.method === 'POST') {
      // Relative Location headers, with and without a leading slash.
      const relative = rel === 'noslash' ? `noslash/1` : `/${id}/resources/${rel}/1`;
      return json(res, 201, { ok: 'true' }, { location: relative });
    }
    if (resource !== 'trust') return json(res, 404, {});

    // An incoming trust request (handlers/trust.py TrustRelationshipHandler.post).
    if (req.method === 'POST' && rel && !peer) {
      const p = request.json;
      if (!p || !p.baseuri || !p.id) return json(res, 400, {});
      let verified = false;
      if (p.secret) {
        // create_verified_trust: GET <baseuri>/trust/<rel>/<me> with the secret; reads only verification_token.
        const check = await fetch(`${p.baseuri}/trust/${rel}/${id}`, {
          headers: { authorization: `Bearer ${p.secret}` },
        });
        const text = await check.text();
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        verificationReplies.push({ status: check.status, body });
        verified = typeof body === 'object' && body !== null && body.verification_token === p.verify;
      }
      const t: PyTrust = {
        peerid: p.id,
        baseuri: p.baseuri,
        type: p.type ?? '',
        relationship: rel,
        secret: p.secret || token(),
        desc: p.desc ?? '',
        approved: options.autoApprove ?? false,
        peer_approved: true,
        verified,
        verification_token: p.verify ?? token(),
      };
      trusts.set(t.peerid, t);
      // Python sends an absolute Location; this peer sends a relative one (the spec's shape), which we must accept.
      return json(res, t.approved ? 201 : 202, wire(t), { location: `/${id}/trust/${rel}/${t.peerid}` });
    }

    const t = peer ? trusts.get(peer) : undefined;
    if (!t || t.relationship !== rel) return json(res, 404, {});
    const caller = bySecret(request.authorization);
    if (!caller || caller.peerid !== peer) return json(res, 403, {});
    if (req.method === 'GET') {
      // The peer gets 403 while we have not approved (Python's quirk), 200 once we have.
      if (!t.approved) return json(res, 403, {});
      return json(res, 200, wire(t));
    }
    if (req.method === 'POST') {
      // The approval notice: Python only takes a real JSON true.
      if (request.json?.approved !== true) return json(res, 400, { error: 'approved must be true' });
      t.peer_approved = true;
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'DELETE') {
      trusts.delete(t.peerid);
      res.writeHead(204).end();
      return;
    }
    return json(res, 405, {});
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const request: PeerRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      };
      try {
        request.json = body ? JSON.parse(body) : undefined;
      } catch {
        request.json = undefined;
      }
      requests.push(request);
      handle(req, res, request).catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { error: String(err) });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  url = `http://127.0.0.1:${port}/${id}`;

  return {
    id,
    url,
    type: PYTHON_TYPE,
    requests,
    trusts,
    verificationReplies,
    async requestTrust(targetUrl, relationship, extra = {}) {
      const meta = (await (await fetch(`${targetUrl}/meta`)).json()) as { id: string; type: string };
      const t: PyTrust = {
        peerid: meta.id,
        baseuri: targetUrl,
        type: meta.type,
        relationship,
        secret: token(),
        desc: 'Python asks',
        approved: true,
        peer_approved: false,
        verified: true,
        verification_token: token(),
      };
      trusts.set(t.peerid, t);
      const response = await fetch(`${targetUrl}/trust/${relationship}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          baseuri: url,
          id,
          type: PYTHON_TYPE,
          secret: t.secret,
          desc: t.desc,
          verify: t.verification_token,
          ...extra,
        }),
      });
      const text = await response.text();
      if (response.status === 201) t.peer_approved = true;
      if (response.status !== 201 && response.status !== 202) trusts.delete(t.peerid);
      return {
        status: response.status,
        location: response.headers.get('location'),
        body: text ? JSON.parse(text) : undefined,
      };
    },
    async approve(peerId, approved = true) {
      const t = trusts.get(peerId)!;
      t.approved = true;
      const response = await fetch(`${t.baseuri}/trust/${t.relationship}/${id}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ approved }),
      });
      await response.text();
      return response.status;
    },
    approveSilently(peerId) {
      trusts.get(peerId)!.approved = true;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
