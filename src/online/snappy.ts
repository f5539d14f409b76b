/**
 * Snappy block decompression (the format of GitHub's attestation `bundle_url` bodies): a varint of the
 * uncompressed length, then literals and back-references. Bounded: the declared length is checked against `max`
 * before anything is allocated, and every copy is checked against what was written.
 */
export function snappyDecompress(input: Buffer, max: number): Buffer {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 28) throw new Error('snappy: bad length header');
    const b = input[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  if (length > max) throw new Error(`snappy: ${length} bytes uncompressed, over the ${max}-byte bound`);
  const out = Buffer.alloc(length);
  let o = 0;
  const need = (n: number): void => {
    if (pos + n > input.length) throw new Error('snappy: truncated input');
  };
  while (pos < input.length) {
    const tag = input[pos++]!;
    const type = tag & 3;
    if (type === 0) {
      let len = tag >> 2;
      if (len >= 60) {
        const bytes = len - 59;
        need(bytes);
        len = 0;
        for (let i = 0; i < bytes; i++) len += input[pos++]! * 2 ** (8 * i);
      }
      len += 1;
      need(len);
      if (o + len > length) throw new Error('snappy: literal past the declared length');
      input.copy(out, o, pos, pos + len);
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (type === 1) {
      need(1);
      len = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | input[pos++]!;
    } else if (type === 2) {
      need(2);
      len = (tag >> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      need(4);
      len = (tag >> 2) + 1;
      offset = input.readUInt32LE(pos);
      pos += 4;
    }
    if (offset === 0 || offset > o || o + len > length) throw new Error('snappy: bad back-reference');
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset]!;
  }
  if (o !== length) throw new Error('snappy: output shorter than declared');
  return out;
}
