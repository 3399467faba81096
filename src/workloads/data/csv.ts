/**
 * A small CSV reader (RFC 4180): comma-separated fields, double-quoted fields that may hold
 * commas, line breaks and doubled quotes (""), CRLF or LF line ends. Enough for the data files
 * of the workloads; no type guessing.
 */

/** The rows of a CSV text, each a list of raw field strings (quotes removed, no trimming). */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not part of the header
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  const endRow = (): void => {
    endField();
    // Blank lines (a lone empty field) are skipped.
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') endRow();
    else if (c !== '\r') field += c;
  }
  if (quoted) throw new Error('csv: a quoted field is not closed before the end of the text');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}
