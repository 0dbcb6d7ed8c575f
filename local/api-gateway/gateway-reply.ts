import type { ServerResponse } from 'node:http';

/** What the gateway answers: a status, headers (repeats allowed, names as given) and a body. */
export interface GatewayReply {
  readonly statusCode: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/** Writes a reply; HEAD responses and 204/304 go without a body, as HTTP requires. */
export function writeReply(response: ServerResponse, reply: GatewayReply): void {
  const noBody = reply.statusCode === 204 || reply.statusCode === 304;
  const flat: string[] = [];
  for (const [name, value] of reply.headers) flat.push(name, value);
  if (!noBody) flat.push('Content-Length', String(reply.body.length));
  response.writeHead(reply.statusCode, flat);
  response.end(noBody ? undefined : reply.body);
}
