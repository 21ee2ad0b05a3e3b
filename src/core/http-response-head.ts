// The head of an HTTP response (status line and header fields), for the one request that
// reads the engine's socket itself (engine/large-answer.ts): parsed from the bytes before
// the blank line, field names lower-cased as Node's http module gives them.

export interface HttpResponseHead {
  statusCode: number;
  statusMessage: string;
  /** Lower-cased names; a field sent twice keeps its values joined by ", ". */
  headers: Record<string, string>;
}

/** Where the head ends (the index after its blank line) in `bytes`, or -1 while it has not all come. */
export function endOfHead(bytes: Buffer): number {
  const at = bytes.indexOf('\r\n\r\n', 0, 'latin1');
  return at < 0 ? -1 : at + 4;
}

/** Parses the head: `bytes` holds the status line and the fields, without the blank line. */
export function parseHttpResponseHead(bytes: Buffer): HttpResponseHead {
  const lines = bytes.toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!status) throw new Error(`not an HTTP response: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`a header line without a name: ${JSON.stringify(line.slice(0, 40))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { statusCode: Number(status[1]), statusMessage: status[2] ?? '', headers };
}
