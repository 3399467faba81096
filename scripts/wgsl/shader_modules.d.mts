// Types of shader_modules.mjs, for the tests that import it.
import type { KernelLayout, ShaderSource, SourcePart } from '../../src/backend/webgpu/dispatch/kernel_spec.js';

export const root: string;
export const shadersDir: string;
export function isPiece(file: string, shaders?: string): boolean;
export function assembleShader(
  file: string,
  shaders?: string,
): { file: string; code: string; parts: SourcePart[]; paths: string[]; texts: string[]; files: string[] };
export function reflectLayout(code: string, file: string): KernelLayout;
export function shaderSource(file: string, shaders?: string): { source: ShaderSource; paths: string[]; texts: string[]; files: string[] };
export function shaderModule(file: string): { contents: string; files: string[] };
export const esbuildWgslPlugin: { name: string; setup(build: unknown): void };
export function viteWgslPlugin(): { name: string; enforce: 'pre'; load(id: string): string | null };
