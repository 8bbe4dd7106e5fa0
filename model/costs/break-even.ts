// A GPU machine running Ollama for the standard tier against sending that tier to the Claude API.
// The GPU costs the same every hour; the API costs per request. They break even at the request
// rate where the hourly API bill equals the GPU's hourly price.

import type { Pricing, TokenPrice } from './pricing-schema.js';

export interface TokensPerRequest {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export interface BreakEven {
  gpuInstance: string;
  gpuUsdPerHour: number;
  claudeModel: string;
  claudeUsdPerRequest: number;
  /** Standard-tier requests per hour at which one GPU machine and the API cost the same. */
  requestsPerHour: number;
  requestsPerMonth: number;
}

export function claudeCostPerRequest(tokens: TokensPerRequest, price: TokenPrice): number {
  return (tokens.input * price.input + tokens.output * price.output + tokens.cacheWrite * price.cacheWrite + tokens.cacheRead * price.cacheRead) / 1e6;
}

export function gpuBreakEven(pricing: Pricing, gpuInstance: string, claudeModel: string, tokens: TokensPerRequest): BreakEven | undefined {
  const gpu = pricing.instances[gpuInstance];
  const price = pricing.tokens[claudeModel];
  if (!gpu || !price) return undefined;
  const perRequest = claudeCostPerRequest(tokens, price);
  const requestsPerHour = perRequest > 0 ? gpu.price / perRequest : Infinity;
  return {
    gpuInstance,
    gpuUsdPerHour: gpu.price,
    claudeModel,
    claudeUsdPerRequest: perRequest,
    requestsPerHour,
    requestsPerMonth: requestsPerHour * pricing.hoursPerMonth,
  };
}

/** The cheapest GPU instance listed with at least `vramGB` of VRAM. */
export function cheapestGpuInstance(pricing: Pricing, vramGB = 0): string | undefined {
  return Object.entries(pricing.instances)
    .filter(([, p]) => p.gpu && p.gpu.vram >= vramGB)
    .sort((a, b) => a[1].price - b[1].price)[0]?.[0];
}
