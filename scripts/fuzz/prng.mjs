// A small seeded PRNG (sfc32 seeded through splitmix32) so that a fuzz run is reproducible from its seed alone:
// tree N of seed S is the same on every machine and Node version, whatever happened to trees before it.

function splitmix32(state) {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** String or number → 32-bit seed (FNV-1a over the decimal/text form). */
export function seedOf(...parts) {
  let h = 0x811c9dc5;
  for (const ch of parts.join('/')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  constructor(seed) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform 32-bit unsigned integer (sfc32). */
  next() {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Float in [0, 1). */
  float() {
    return this.next() / 4294967296;
  }

  /** Integer in [lo, hi] (inclusive). */
  int(lo, hi) {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p) {
    return this.float() < p;
  }

  pick(list) {
    return list[Math.floor(this.float() * list.length)];
  }

  /** Picks from [[weight, value], ...]. */
  weighted(entries) {
    let total = 0;
    for (const [w] of entries) total += w;
    let r = this.float() * total;
    for (const [w, v] of entries) {
      r -= w;
      if (r < 0) return v;
    }
    return entries[entries.length - 1][1];
  }

  /** Small numbers often, large ones sometimes: the shape that finds both logic and blow-up defects. */
  count(max) {
    const r = this.float();
    if (r < 0.6) return this.int(1, Math.min(max, 4));
    if (r < 0.85) return this.int(1, Math.min(max, 20));
    if (r < 0.97) return this.int(1, Math.min(max, 500));
    return this.int(1, max);
  }

  /** A new independent generator derived from this one (keeps callers' streams apart). */
  fork(label = '') {
    return new Rng(seedOf(this.next(), label));
  }

  ident(prefix = '') {
    const first = 'abcdefghijklmnopqrstuvwxyz';
    const rest = 'abcdefghijklmnopqrstuvwxyz0123456789_';
    let s = prefix || first[this.int(0, 25)];
    const n = this.int(1, 8);
    for (let i = 0; i < n; i++) s += rest[this.int(0, rest.length - 1)];
    return s;
  }
}
