// jpeg-js's decoder alone: its package entry also loads the encoder, which needs Node's Buffer.
declare module 'jpeg-js/lib/decoder.js' {
  /** Decodes a baseline or progressive JPEG; with useTArray the pixels are a Uint8Array (RGB or RGBA). */
  export default function decode(
    jpegData: Uint8Array | ArrayBuffer,
    options: {
      useTArray: true;
      formatAsRGBA?: boolean;
      colorTransform?: boolean;
      tolerantDecoding?: boolean;
      maxResolutionInMP?: number;
      maxMemoryUsageInMB?: number;
    },
  ): { width: number; height: number; data: Uint8Array };
}
