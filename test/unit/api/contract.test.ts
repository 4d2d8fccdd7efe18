import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, EVENT_NAMES } from '../../../src-main/api/calls';
import type { RosasBridge } from '../../../src-main/api/contract';
import { createHandlers } from '../../../src-main/api/handlers';
import { RecentProjects } from '../../../src-main/api/recent';
import { Session } from '../../../src-main/api/session';
import { validateRequest, validators } from '../../../src-main/api/validate';
import { ApiError } from '../../../src-main/api/api-error';
import { REPO, tempDir } from '../../helpers/samples';

/** The keys of an interface in contract.ts, read from the source: the contract as written. */
function interfaceKeys(name: string): string[] {
  const file = path.join(REPO, 'src-main/api/contract.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const keys: string[] = [];
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) {
      for (const m of node.members) if (m.name && (ts.isStringLiteral(m.name) || ts.isIdentifier(m.name))) keys.push(m.name.text);
    }
  });
  if (!keys.length) throw new Error(`no interface ${name} in contract.ts`);
  return keys.sort();
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null })),
  on: vi.fn(),
  removeListener: vi.fn(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: { invoke: electron.invoke, on: electron.on, removeListener: electron.removeListener },
}));

describe('the contract', () => {
  afterEach(() => vi.clearAllMocks());

  const calls = interfaceKeys('ApiCalls');
  const events = interfaceKeys('ApiEvents');

  it('lists the same calls and events at run time as in the types', () => {
    expect(sorted(CALL_NAMES)).toEqual(calls);
    expect(sorted(EVENT_NAMES)).toEqual(events);
  });

  it('has a validator for every call', () => {
    expect(sorted(Object.keys(validators))).toEqual(calls);
  });

  it('validates every call: a payload with a key the contract does not have is refused', () => {
    for (const call of calls) {
      let err: unknown;
      try {
        validateRequest(call, { notInTheContract: 1 });
      } catch (e) {
        err = e;
      }
      expect(err, call).toBeInstanceOf(ApiError);
      expect((err as ApiError).code, call).toBe('invalid-argument');
    }
  });

  it('has a handler for every call', () => {
    const session = new Session({ emit: () => {}, purpose: 'test' });
    const handlers = createHandlers({ mode: 'serve', session, recent: new RecentProjects(tempDir()) });
    expect(sorted(Object.keys(handlers))).toEqual(calls);
  });

  it('is what the preload exposes, and nothing else', async () => {
    await import('../../../src-main/electron/preload');
    expect([...electron.exposed.keys()]).toEqual(['rosas']);
    const bridge = electron.exposed.get('rosas') as RosasBridge;
    expect(sorted(Object.keys(bridge))).toEqual(['invoke', 'on']);

    for (const call of calls) {
      await bridge.invoke(call as never, {} as never);
      expect(electron.invoke).toHaveBeenLastCalledWith(call, {});
    }
    expect(electron.invoke).toHaveBeenCalledTimes(calls.length);
    const refused = await bridge.invoke('shell.openExternal' as never, {} as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    expect(electron.invoke).toHaveBeenCalledTimes(calls.length);

    for (const event of events) {
      const off = bridge.on(event as never, () => {});
      expect(electron.on).toHaveBeenLastCalledWith(`event:${event}`, expect.any(Function));
      off();
      expect(electron.removeListener).toHaveBeenLastCalledWith(`event:${event}`, expect.any(Function));
    }
    expect(() => bridge.on('ipc:anything' as never, () => {})).toThrow(/unknown event/);
  });
});
