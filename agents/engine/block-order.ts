// The order a block mines its transactions in. Sequential mode (the chain's FIFO mempool): the order
// they were sent. Priority mode (the chain's priority mempool): the highest priority fee first, a tie
// going to the one sent first, and a sender's own transactions always in the order it sent them
// (nonce order), so a sender's second leg never overtakes its first.

export interface Queued {
  /** Who sent it (a sender's transactions keep their order). */
  sender: number;
  priorityFeeWei: bigint;
}

/** Indexes into `txs` (in send order) in the order the block mines them. */
export function blockOrder(txs: readonly Queued[], priority: boolean): number[] {
  const order: number[] = new Array(txs.length);
  if (!priority) {
    for (let i = 0; i < txs.length; i++) order[i] = i;
    return order;
  }
  // Each sender's next transaction competes; the best fee wins, the earliest sent on a tie.
  const taken = new Array<boolean>(txs.length).fill(false);
  const nextOf = new Map<number, number>();
  for (let i = txs.length - 1; i >= 0; i--) nextOf.set(txs[i]!.sender, i);
  for (let k = 0; k < txs.length; k++) {
    let best = -1;
    for (const i of nextOf.values()) {
      if (
        best < 0 ||
        txs[i]!.priorityFeeWei > txs[best]!.priorityFeeWei ||
        (txs[i]!.priorityFeeWei === txs[best]!.priorityFeeWei && i < best)
      )
        best = i;
    }
    order[k] = best;
    taken[best] = true;
    const sender = txs[best]!.sender;
    let next = best + 1;
    while (next < txs.length && (taken[next] || txs[next]!.sender !== sender)) next++;
    if (next < txs.length) nextOf.set(sender, next);
    else nextOf.delete(sender);
  }
  return order;
}
