// An HTTP answer's body as a client reads it: JSON parsed, anything else (an
// HTML error page, a truncated body) kept as its text, an empty body undefined.
export async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
