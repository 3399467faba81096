import type { CpuArray, CpuKernels } from './kernel_table.js';
import type {
  Conv2dBackpropFilterParams,
  Conv2dBackpropInputParams,
  Conv2dParams,
  ConvGeometry,
  ConvKernels,
  DepthwiseConv2dBackpropFilterParams,
  DepthwiseConv2dBackpropInputParams,
  DepthwiseConv2dParams,
} from '../../kernel_ids/conv.js';
import { unaryFormulas } from './unary.js';

// CPU twins of shaders/conv2d/*.wgsl: the plain sums of src/kernel_ids/conv.ts, in float64, with
// the index names of the shaders (ih = oh·stride - pad + kh·dilation). The shaders compute the
// same sums as tiled matrix products; these loops are the definition they are tested against.

/** Input row/column of output row/column `o` at tap `k`. */
function inputCoord(o: number, k: number, stride: number, dilation: number, pad: number): number {
  return o * stride - pad + k * dilation;
}

/** The output row/column that tap `k` of input row/column `i` lands on, or -1 when none. */
function outputCoord(i: number, k: number, stride: number, dilation: number, pad: number, size: number): number {
  const num = i + pad - k * dilation;
  if (num < 0 || num % stride !== 0) return -1;
  const o = num / stride;
  return o < size ? o : -1;
}

function xIndex(g: ConvGeometry, n: number, ih: number, iw: number, c: number): number {
  return ((n * g.inH + ih) * g.inW + iw) * g.inC + c;
}

function yIndex(g: ConvGeometry, n: number, oh: number, ow: number, o: number): number {
  return ((n * g.outH + oh) * g.outW + ow) * g.outC + o;
}

function conv2d([x, w, bias]: CpuArray[], [y]: CpuArray[], p: Conv2dParams): void {
  const act = unaryFormulas[p.activation === 'linear' ? 'copy' : p.activation];
  for (let n = 0; n < p.batch; n++) {
    for (let oh = 0; oh < p.outH; oh++) {
      for (let ow = 0; ow < p.outW; ow++) {
        for (let o = 0; o < p.outC; o++) {
          let acc = p.hasBias ? bias![o]! : 0;
          for (let kh = 0; kh < p.kH; kh++) {
            const ih = inputCoord(oh, kh, p.strideH, p.dilationH, p.padTop);
            if (ih < 0 || ih >= p.inH) continue;
            for (let kw = 0; kw < p.kW; kw++) {
              const iw = inputCoord(ow, kw, p.strideW, p.dilationW, p.padLeft);
              if (iw < 0 || iw >= p.inW) continue;
              for (let c = 0; c < p.inC; c++) {
                acc += x![xIndex(p, n, ih, iw, c)]! * w![((kh * p.kW + kw) * p.inC + c) * p.outC + o]!;
              }
            }
          }
          y![yIndex(p, n, oh, ow, o)] = act(acc, p.alpha, 0);
        }
      }
    }
  }
}

/**
 * dx[n,ih,iw,c] = Σ over the taps (kh,kw) of input pixel (ih,iw) that land on an output (oh,ow)
 * of term(n, oh, ow, kh, kw, c): the gather both input-gradient forms share.
 */
function sumLandingTaps(p: ConvGeometry, dx: CpuArray, term: (n: number, oh: number, ow: number, kh: number, kw: number, c: number) => number): void {
  for (let n = 0; n < p.batch; n++) {
    for (let ih = 0; ih < p.inH; ih++) {
      for (let iw = 0; iw < p.inW; iw++) {
        for (let c = 0; c < p.inC; c++) {
          let acc = 0;
          for (let kh = 0; kh < p.kH; kh++) {
            const oh = outputCoord(ih, kh, p.strideH, p.dilationH, p.padTop, p.outH);
            if (oh < 0) continue;
            for (let kw = 0; kw < p.kW; kw++) {
              const ow = outputCoord(iw, kw, p.strideW, p.dilationW, p.padLeft, p.outW);
              if (ow >= 0) acc += term(n, oh, ow, kh, kw, c);
            }
          }
          dx[xIndex(p, n, ih, iw, c)] = acc;
        }
      }
    }
  }
}

function conv2dBackpropInput([dy, w]: CpuArray[], [dx]: CpuArray[], p: Conv2dBackpropInputParams): void {
  sumLandingTaps(p, dx!, (n, oh, ow, kh, kw, c) => {
    let acc = 0;
    for (let o = 0; o < p.outC; o++) acc += dy![yIndex(p, n, oh, ow, o)]! * w![((kh * p.kW + kw) * p.inC + c) * p.outC + o]!;
    return acc;
  });
}

/** col2im: cols [batch·outH·outW, kH·kW·inC] summed back onto the input pixels (see conv2d_fold). */
function conv2dFold([cols]: CpuArray[], [dx]: CpuArray[], p: ConvGeometry): void {
  const row = p.kH * p.kW * p.inC;
  sumLandingTaps(p, dx!, (n, oh, ow, kh, kw, c) => cols![((n * p.outH + oh) * p.outW + ow) * row + (kh * p.kW + kw) * p.inC + c]!);
}

/** Calls `visit(n, oh, ow, p)` for the output pixels p of split z. */
function forChunk(g: ConvGeometry & { chunk: number }, z: number, visit: (n: number, oh: number, ow: number, pix: number) => void): void {
  const pixels = g.batch * g.outH * g.outW;
  for (let pix = z * g.chunk; pix < Math.min((z + 1) * g.chunk, pixels); pix++) {
    const ow = pix % g.outW;
    const oh = Math.floor(pix / g.outW) % g.outH;
    const n = Math.floor(pix / (g.outW * g.outH));
    visit(n, oh, ow, pix);
  }
}

function conv2dBackpropFilter([x, dy]: CpuArray[], [partial]: CpuArray[], p: Conv2dBackpropFilterParams): void {
  for (let kh = 0; kh < p.kH; kh++) {
    for (let kw = 0; kw < p.kW; kw++) {
      for (let c = 0; c < p.inC; c++) {
        const k = (kh * p.kW + kw) * p.inC + c;
        for (let o = 0; o < p.outC; o++) {
          for (let z = 0; z < p.splits; z++) {
            let acc = 0;
            forChunk(p, z, (n, oh, ow, pix) => {
              const ih = inputCoord(oh, kh, p.strideH, p.dilationH, p.padTop);
              const iw = inputCoord(ow, kw, p.strideW, p.dilationW, p.padLeft);
              if (ih < 0 || ih >= p.inH || iw < 0 || iw >= p.inW) return;
              acc += x![xIndex(p, n, ih, iw, c)]! * dy![pix * p.outC + o]!;
            });
            partial![(k * p.outC + o) * p.splits + z] = acc;
          }
        }
      }
    }
  }
}

function depthwiseConv2d([x, w]: CpuArray[], [y]: CpuArray[], p: DepthwiseConv2dParams): void {
  for (let n = 0; n < p.batch; n++) {
    for (let oh = 0; oh < p.outH; oh++) {
      for (let ow = 0; ow < p.outW; ow++) {
        for (let j = 0; j < p.outC; j++) {
          const c = Math.floor(j / p.multiplier);
          let acc = 0;
          for (let kh = 0; kh < p.kH; kh++) {
            const ih = inputCoord(oh, kh, p.strideH, p.dilationH, p.padTop);
            if (ih < 0 || ih >= p.inH) continue;
            for (let kw = 0; kw < p.kW; kw++) {
              const iw = inputCoord(ow, kw, p.strideW, p.dilationW, p.padLeft);
              if (iw < 0 || iw >= p.inW) continue;
              acc += x![xIndex(p, n, ih, iw, c)]! * w![(kh * p.kW + kw) * p.outC + j]!;
            }
          }
          y![yIndex(p, n, oh, ow, j)] = acc;
        }
      }
    }
  }
}

function depthwiseConv2dBackpropInput([dy, w]: CpuArray[], [dx]: CpuArray[], p: DepthwiseConv2dBackpropInputParams): void {
  for (let n = 0; n < p.batch; n++) {
    for (let ih = 0; ih < p.inH; ih++) {
      for (let iw = 0; iw < p.inW; iw++) {
        for (let c = 0; c < p.inC; c++) {
          let acc = 0;
          for (let kh = 0; kh < p.kH; kh++) {
            const oh = outputCoord(ih, kh, p.strideH, p.dilationH, p.padTop, p.outH);
            if (oh < 0) continue;
            for (let kw = 0; kw < p.kW; kw++) {
              const ow = outputCoord(iw, kw, p.strideW, p.dilationW, p.padLeft, p.outW);
              if (ow < 0) continue;
              for (let q = 0; q < p.multiplier; q++) {
                const j = c * p.multiplier + q;
                acc += dy![yIndex(p, n, oh, ow, j)]! * w![(kh * p.kW + kw) * p.outC + j]!;
              }
            }
          }
          dx![xIndex(p, n, ih, iw, c)] = acc;
        }
      }
    }
  }
}

function depthwiseConv2dBackpropFilter([x, dy]: CpuArray[], [partial]: CpuArray[], p: DepthwiseConv2dBackpropFilterParams): void {
  for (let kh = 0; kh < p.kH; kh++) {
    for (let kw = 0; kw < p.kW; kw++) {
      const tap = kh * p.kW + kw;
      for (let j = 0; j < p.outC; j++) {
        const c = Math.floor(j / p.multiplier);
        for (let z = 0; z < p.splits; z++) {
          let acc = 0;
          forChunk(p, z, (n, oh, ow, pix) => {
            const ih = inputCoord(oh, kh, p.strideH, p.dilationH, p.padTop);
            const iw = inputCoord(ow, kw, p.strideW, p.dilationW, p.padLeft);
            if (ih < 0 || ih >= p.inH || iw < 0 || iw >= p.inW) return;
            acc += x![xIndex(p, n, ih, iw, c)]! * dy![pix * p.outC + j]!;
          });
          partial![(tap * p.outC + j) * p.splits + z] = acc;
        }
      }
    }
  }
}

/** CPU twins of the convolution kernels (float64 accumulation). */
export const convCpuKernels: CpuKernels<ConvKernels> = {
  conv2d,
  conv2d_backprop_input: conv2dBackpropInput,
  // Same arithmetic as the tiled kernel: the CPU reference is one loop for both.
  conv2d_backprop_input_direct: conv2dBackpropInput,
  conv2d_fold: conv2dFold,
  conv2d_backprop_filter: conv2dBackpropFilter,
  depthwise_conv2d: depthwiseConv2d,
  depthwise_conv2d_backprop_input: depthwiseConv2dBackpropInput,
  depthwise_conv2d_backprop_filter: depthwiseConv2dBackpropFilter,
};
