// What a consumer or a provider may ask of the resource market (credits and bonds in credit wei = token
// wei, prices in whole quote per whole credit, WAD).

export type ResourceIntent =
  | { kind: "requestCompute"; quantity: bigint; maxPriceWad: bigint }
  | { kind: "useCredits"; amount: bigint }
  | { kind: "provideCapacity"; amount: bigint }
  | { kind: "withdrawCapacity"; amount: bigint }
  | { kind: "claimResourceEarnings" };
