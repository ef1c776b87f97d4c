/** Types for image-decode.mjs (plain JS so worker threads load it without a TypeScript loader). */
export declare const JS_JPEG_MAX_BYTES: number;
export type SniffedFormat = 'jpeg' | 'png' | 'bmp' | 'gif' | 'webp' | 'tiff';
export declare function sniffFormat(buf: Uint8Array): SniffedFormat | undefined;
export declare function resizeGray(
  src: Uint8Array,
  sw: number,
  sh: number,
  dst: Uint8Array,
  dstOffset: number,
  dw: number,
  dh: number,
): void;
export declare function decodeInto(buf: Uint8Array, dst: Uint8Array, dstOffset: number, size: number): Promise<string | undefined>;
export declare function digestSample(
  pixels: Uint8Array,
  offset: number,
  n: number,
  hashes: Uint32Array,
  i: number,
  sums?: Float64Array,
  sumsAt?: number,
): void;
export interface DecodeShared {
  pixels: Uint8Array;
  hashes: Uint32Array;
  meta: Float64Array;
  size: number;
}
export declare function decodeBatch(
  shared: DecodeShared,
  start: number,
  paths: readonly string[],
): Promise<Array<{ index: number; reason: string }>>;
export declare function useCompiledTurbo(module: WebAssembly.Module): void;
export declare function compileTurbo(): Promise<WebAssembly.Module | undefined>;
export declare function turboAvailable(): Promise<boolean>;
