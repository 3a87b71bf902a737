/** A `Set-Cookie` line taken apart: the pair and its attributes (names lower-cased). */
export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

export function parseSetCookie(line: string): SetCookie {
  const [pair = '', ...rest] = line.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const attribute of rest) {
    const at = attribute.indexOf('=');
    if (at < 0) attributes[attribute.toLowerCase()] = true;
    else attributes[attribute.slice(0, at).toLowerCase()] = attribute.slice(at + 1);
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

/** The one Set-Cookie of a response (fails the test when there is not exactly one). */
export function setCookieOf(res: Response): SetCookie {
  const lines = res.headers.getSetCookie();
  if (lines.length !== 1) throw new Error(`expected one Set-Cookie, got ${JSON.stringify(lines)}`);
  return parseSetCookie(lines[0]!);
}

/** What a browser would send back: `Cookie: <name>=<value>`. */
export function cookieHeader(cookie: Pick<SetCookie, 'name' | 'value'>): { cookie: string } {
  return { cookie: `${cookie.name}=${cookie.value}` };
}
