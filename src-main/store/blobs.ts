/**
 * Typed arrays <-> BLOBs. Multi-byte values are written little-endian explicitly so a runs.db
 * moved between machines reads the same.
 */

export function uint32ToBlob(a: Uint32Array): Buffer {
  const buf = Buffer.alloc(a.length * 4);
  for (let i = 0; i < a.length; i++) buf.writeUInt32LE(a[i] as number, i * 4);
  return buf;
}

export function blobToUint32(b: Buffer): Uint32Array {
  const out = new Uint32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readUInt32LE(i * 4);
  return out;
}

export function float32ToBlob(a: Float32Array): Buffer {
  const buf = Buffer.alloc(a.length * 4);
  for (let i = 0; i < a.length; i++) buf.writeFloatLE(a[i] as number, i * 4);
  return buf;
}

export function blobToFloat32(b: Buffer): Float32Array {
  const out = new Float32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}

export function uint8ToBlob(a: Uint8Array): Buffer {
  return Buffer.from(a);
}

export function blobToUint8(b: Buffer): Uint8Array {
  return new Uint8Array(b);
}
