import { describe, expect, it } from 'vitest';
import { commandEntries, commandsFor } from './index.js';

describe('command registry', () => {
  it('names every entry by the first word of its command', async () => {
    for (const entry of commandEntries) {
      const module = await entry.load();
      const command = Array.isArray(module.command) ? module.command[0] : module.command;
      expect(String(command).split(' ')[0]).toBe(entry.name);
    }
  });

  it('loads only the command named on the command line, and every command otherwise', async () => {
    expect(await commandsFor(['run', 'x.yaml'])).toHaveLength(1);
    expect(await commandsFor(['--help'])).toHaveLength(commandEntries.length);
    expect(await commandsFor(['nonsense'])).toHaveLength(commandEntries.length);
  });
});
