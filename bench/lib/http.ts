/** A created actor as `POST /` returns it. */
export interface SeededActor {
  id: string;
  creator: string;
  passphrase: string;
}

/** `Authorization: Basic` header value. */
export function basicAuth(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** One request with a timeout (default 10 s); returns status and parsed JSON (if any). */
export async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; json: any }> {
  const headers = { ...(init.headers ?? {}) };
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json };
}

/** Creates `count` actors through `POST /` of the server at `baseUrl`, `concurrency` at a time. */
export async function seedActors(
  baseUrl: string,
  count: number,
  creator: string,
  concurrency = 16,
): Promise<SeededActor[]> {
  const actors: SeededActor[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const { status, json } = await request(baseUrl, { method: 'POST', body: { creator } });
      if (status !== 201) throw new Error(`seeding ${baseUrl}: POST / answered ${status}`);
      actors.push({ id: json.id, creator: json.creator, passphrase: json.passphrase });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return actors;
}
