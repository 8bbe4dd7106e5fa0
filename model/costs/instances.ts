// Choosing an instance type for a machine group: the cheapest listed one that holds the group.

import { UserError } from '../../lib/index.js';
import type { MachineGroupConfig } from '../config.js';
import type { InstancePrice, Pricing } from './pricing-schema.js';

export interface InstanceChoice {
  type: string;
  price: InstancePrice;
}

export function chooseInstance(
  group: MachineGroupConfig,
  pricing: Pricing,
  options: { arch?: 'x86' | 'arm'; override?: string } = {},
): InstanceChoice {
  if (options.override) {
    const price = pricing.instances[options.override];
    if (!price) {
      throw new UserError(`${pricing.files[0]}: instances: no instance type '${options.override}' (asked for machine group '${group.name}')`, undefined, [
        `listed: ${Object.keys(pricing.instances).join(', ')}`,
      ]);
    }
    return { type: options.override, price };
  }
  const memoryGB = group.ram / pricing.bytesPerGB;
  const fits = Object.entries(pricing.instances).filter(([, p]) => {
    if (options.arch && p.arch !== options.arch && !group.gpu) return false;
    if (p.vcpu < group.cpus || p.memory + 1e-9 < memoryGB) return false;
    if (group.gpu) return p.gpu !== undefined && p.gpu.vram * pricing.bytesPerGB * (p.gpu.count ?? 1) + 1 >= group.gpu.vram;
    return p.gpu === undefined;
  });
  if (fits.length === 0) {
    const need = `${group.cpus} vCPU, ${round(memoryGB)} GB${group.gpu ? `, a GPU with ${round(group.gpu.vram / pricing.bytesPerGB)} GB VRAM` : ''}${options.arch && !group.gpu ? `, ${options.arch}` : ''}`;
    throw new UserError(`${pricing.files[0]}: no instance type fits machine group '${group.name}' (${need})`, undefined, [
      'add one under `instances:` in the pricing file, or name one for the group',
    ]);
  }
  fits.sort((a, b) => a[1].price - b[1].price || a[0].localeCompare(b[0]));
  const [type, price] = fits[0]!;
  return { type, price };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
