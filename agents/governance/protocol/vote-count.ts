// The Governor's counting rule (GovernorCountingSimple with a quorum): a proposal succeeds when more
// votes are for than against and for + abstain reach the quorum. Every prediction counts through here.

import type { Support } from "./proposal.ts";

export interface VoteCount {
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
  quorum: bigint;
  quorumReached: boolean;
  /** More for than against. */
  won: boolean;
  state: "Succeeded" | "Defeated";
}

/** Tallies `votes` ("skip" counts nowhere) against `quorum`. */
export function countVotes(votes: readonly { support: Support | "skip"; weight: bigint }[], quorum: bigint): VoteCount {
  let forVotes = 0n;
  let againstVotes = 0n;
  let abstainVotes = 0n;
  for (const v of votes) {
    if (v.support === "for") forVotes += v.weight;
    else if (v.support === "against") againstVotes += v.weight;
    else if (v.support === "abstain") abstainVotes += v.weight;
  }
  const quorumReached = forVotes + abstainVotes >= quorum;
  const won = forVotes > againstVotes;
  return {
    forVotes,
    againstVotes,
    abstainVotes,
    quorum,
    quorumReached,
    won,
    state: won && quorumReached ? "Succeeded" : "Defeated",
  };
}
