/**
 * The supervisor's end of one region process's control channel: numbered requests over IPC, each
 * answered by a `control-reply` with its id or failed after a timeout. Bounded: at most
 * `maxPending` requests in flight, each waits at most `timeoutMs`; when the process exits, every
 * request still waiting fails with RegionNotRunning.
 */
import { PangeaError } from '../shared/errors.js';
import {
  controlRequestTimeoutMs,
  maxPendingControlRequests,
  type RegionControlCommand,
  type RegionControlReply,
  type RegionControlRequest,
  type RegionControlState,
} from './control-protocol.js';

/** What the channel needs of the region's ChildProcess. */
export interface ControlTransport {
  send(message: RegionControlRequest, callback: (error: Error | null) => void): boolean;
}

interface PendingRequest {
  resolve(state: RegionControlState): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class RegionControlChannel {
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private closedReason: string | undefined;

  constructor(
    private readonly region: string,
    private readonly transport: ControlTransport,
    private readonly options: { timeoutMs?: number; maxPending?: number } = {},
  ) {}

  request(command: RegionControlCommand): Promise<RegionControlState> {
    if (this.closedReason !== undefined)
      return Promise.reject(new PangeaError('RegionNotRunning', `${this.region}: ${this.closedReason}`));
    const maxPending = this.options.maxPending ?? maxPendingControlRequests;
    if (this.pending.size >= maxPending)
      return Promise.reject(
        new PangeaError(
          'RegionControlBusy',
          `${this.region}: ${maxPending} control requests are already waiting for an answer`,
        ),
      );
    const id = this.nextId++;
    const timeoutMs = this.options.timeoutMs ?? controlRequestTimeoutMs;
    return new Promise<RegionControlState>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new PangeaError(
            'RegionControlTimeout',
            `${this.region} did not answer "${command.command}" within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.transport.send({ type: 'control', id, request: command }, (error) => {
        if (error) this.settle(id, new PangeaError('RegionNotRunning', `${this.region}: ${error.message}`));
      });
    });
  }

  /** Feeds a reply from the region; replies to requests that timed out are ignored. */
  handleReply(reply: RegionControlReply): void {
    if (reply.ok) this.settle(reply.id, reply.state);
    else this.settle(reply.id, new PangeaError(reply.code, `${this.region}: ${reply.message}`));
  }

  /** The process is gone: every waiting request fails, and so does every later one. */
  close(reason: string): void {
    this.closedReason = reason;
    for (const id of [...this.pending.keys()])
      this.settle(id, new PangeaError('RegionNotRunning', `${this.region}: ${reason}`));
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private settle(id: number, outcome: RegionControlState | Error): void {
    const request = this.pending.get(id);
    if (!request) return;
    this.pending.delete(id);
    clearTimeout(request.timer);
    if (outcome instanceof Error) request.reject(outcome);
    else request.resolve(outcome);
  }
}
