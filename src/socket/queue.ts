import { SocketError } from './errors';
import type { QueueOverflow, SendData } from './types';

/** The bounded buffer behind `send()` while not open. */
export class MessageQueue {
  private items: SendData[] = [];

  constructor(
    private readonly max: number,
    private readonly overflow: QueueOverflow,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /**
   * Queues `data`; returns the messages lost to overflow (empty when none).
   * Throws a `SocketError` (`queue-full`) under the `error` overflow rule.
   */
  push(data: SendData): SendData[] {
    if (this.items.length < this.max) {
      this.items.push(data);
      return [];
    }
    switch (this.overflow) {
      case 'drop-newest':
        return [data];
      case 'error':
        throw new SocketError(
          'queue-full',
          `send() while not open: the queue already holds its maximum of ${this.max} messages (queue.overflow is 'error'). Wait for 'open', raise queue.max, or choose 'drop-oldest' / 'drop-newest'.`,
        );
      case 'drop-oldest': {
        this.items.push(data);
        return this.items.splice(0, this.items.length - this.max);
      }
    }
  }

  /**
   * Puts `items` back in front of what is queued, in order. Returns what no
   * longer fits: the oldest under `drop-oldest`, else the newest (there is no
   * `send()` to throw from, and `error` never evicts what was there first).
   */
  requeue(items: readonly SendData[]): SendData[] {
    const all = [...items, ...this.items];
    const excess = all.length - this.max;
    if (excess <= 0) {
      this.items = all;
      return [];
    }
    this.items = this.overflow === 'drop-oldest' ? all.slice(excess) : all.slice(0, this.max);
    return this.overflow === 'drop-oldest' ? all.slice(0, excess) : all.slice(this.max);
  }

  /** The oldest message, without removing it. */
  peek(): SendData | undefined {
    return this.items[0];
  }

  /** Removes the oldest message. */
  shift(): SendData | undefined {
    return this.items.shift();
  }

  /** Empties the queue and returns what it held, oldest first. */
  drain(): SendData[] {
    const items = this.items;
    this.items = [];
    return items;
  }
}
