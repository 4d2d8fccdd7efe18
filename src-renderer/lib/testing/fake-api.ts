import type { AppMode, CallName, CallRequest, CallResponse, EventName, EventPayload } from '../../../src-main/api/contract';
import { ApiCallError, type Api, type CallArgs, type Listener } from '../api';

type Responder<K extends CallName> = CallResponse<K> | ((request: CallRequest<K>) => CallResponse<K> | Promise<CallResponse<K>>);

/** An Api for tests: canned answers per call, a log of calls, and events pushed by hand. */
export class FakeApi implements Api {
  readonly calls: Array<{ call: CallName; request: unknown }> = [];
  private readonly answers = new Map<CallName, unknown>();
  private readonly listeners = new Map<EventName, Set<(p: unknown) => void>>();

  constructor(readonly mode: AppMode = 'serve') {}

  answer<K extends CallName>(call: K, response: Responder<K>): this {
    this.answers.set(call, response);
    return this;
  }

  fail(call: CallName, code: ApiCallError['code'], message: string): this {
    this.answers.set(call, () => {
      throw new ApiCallError(code, message);
    });
    return this;
  }

  async invoke<K extends CallName>(call: K, ...args: CallArgs<K>): Promise<CallResponse<K>> {
    const request = (args[0] ?? {}) as CallRequest<K>;
    this.calls.push({ call, request });
    if (!this.answers.has(call)) throw new ApiCallError('internal', `FakeApi: no answer for ${call}`);
    const a = this.answers.get(call);
    return typeof a === 'function' ? await (a as (r: CallRequest<K>) => CallResponse<K>)(request) : (a as CallResponse<K>);
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as (p: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  requestsOf<K extends CallName>(call: K): Array<CallRequest<K>> {
    return this.calls.filter((c) => c.call === call).map((c) => c.request as CallRequest<K>);
  }
}
