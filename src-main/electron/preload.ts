import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isCallName, isEventName } from '../api/calls';
import type { CallName, CallRequest, CallResponse, ApiResult, EventName, EventPayload, RosasBridge } from '../api/contract';

/** Events arrive on their own channels, apart from the calls' channels. */
export const eventChannel = (event: EventName) => `event:${event}`;

/**
 * The page's only way out of its sandbox: the contract's calls and events, by name, checked here
 * too so that a compromised page cannot reach any other IPC channel.
 */
const bridge: RosasBridge = {
  invoke<K extends CallName>(call: K, request: CallRequest<K>): Promise<ApiResult<CallResponse<K>>> {
    if (!isCallName(call)) return Promise.resolve({ ok: false, error: { code: 'unknown-call', message: `unknown call ${JSON.stringify(String(call).slice(0, 100))}` } });
    return ipcRenderer.invoke(call, request) as Promise<ApiResult<CallResponse<K>>>;
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (!isEventName(event)) throw new Error(`unknown event ${JSON.stringify(String(event).slice(0, 100))}`);
    const channel = eventChannel(event);
    const wrapped = (_e: IpcRendererEvent, payload: EventPayload<E>) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('rosas', bridge);
