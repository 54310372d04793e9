/** Every string and byte sequence of a value (a history, a row, a failure), as text: bytes read as UTF-8. */
export function allText(value: unknown, out: string[] = []): string[] {
  if (value === null || value === undefined) return out;
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) value.forEach((item) => allText(item, out));
  else if (typeof value === 'object') Object.values(value).forEach((item) => allText(item, out));
  else out.push(String(value));
  return out;
}
