// bmp-js ships no types; only what FER Lab uses. Pixel data is in ABGR byte order.
declare module 'bmp-js' {
  interface BmpImage {
    width: number;
    height: number;
    data: Buffer;
  }
  const bmp: {
    decode(buffer: Buffer): BmpImage;
    encode(image: BmpImage): { data: Buffer; width: number; height: number };
  };
  export default bmp;
}
