/** An allocator's refusal, with upstream's error text (ipallocator and portallocator). */
export class AllocationError extends Error {
  constructor(
    readonly reason: 'allocated' | 'not-in-range' | 'full',
    message: string,
  ) {
    super(message);
  }
}

export const ERR_ALLOCATED_IP = 'provided IP is already allocated';
export const ERR_MISMATCHED_NETWORK = 'the provided network does not match the current range';
export const ERR_FULL = 'range is full';
export const ERR_ALLOCATED_PORT = 'provided port is already allocated';
