// A local Hardhat plugin that drops exactly one compiler warning: solc's 2394, "Transient storage as
// defined by EIP-1153 can break the composability…", raised at OpenZeppelin's utils/TransientSlot.sol.
// Only ReentrancyGuardTransient (BondingCurveMarket, ConstantProductPool) uses that library here: it
// sets its slot on entry and clears it before the call returns, the use the warning itself calls safe.
// Any other warning, and this one raised by any other file, is printed as before; whether a build
// succeeds is not affected (Hardhat decides that from the compiler output, not from this list).

import type { HardhatPlugin } from "hardhat/types/plugins";
import type { CompilerOutputError } from "hardhat/types/solidity";

/** solc's error code of the transient-storage warning. */
export const TRANSIENT_STORAGE_WARNING_CODE = "2394";
/** The input source name solc gives the file: `npm/@openzeppelin/contracts@5.7.0/utils/TransientSlot.sol`. */
const OPENZEPPELIN_TRANSIENT_SLOT = /^npm\/@openzeppelin\/contracts@[^/]+\/utils\/TransientSlot\.sol$/;

/** A compiler error as solc returns it, with the source it points at (Hardhat's type leaves that out). */
type SolcError = CompilerOutputError & { sourceLocation?: { file?: string } };

export function isOpenZeppelinTransientStorageWarning(error: SolcError): boolean {
  return (
    error.severity === "warning" &&
    error.errorCode === TRANSIENT_STORAGE_WARNING_CODE &&
    error.message.startsWith("Transient storage as defined by EIP-1153") &&
    OPENZEPPELIN_TRANSIENT_SLOT.test(error.sourceLocation?.file ?? "")
  );
}

const quietTransientStorageWarning: HardhatPlugin = {
  id: "token-arena-quiet-transient-storage-warning",
  hookHandlers: {
    solidity: async () => ({
      default: async () => ({
        // The list Hardhat prints (and returns as a build's warnings), built from a copy of the output without the warning.
        getCompilationJobErrors: (context, compilationJob, compilerOutput, next) =>
          next(context, compilationJob, {
            ...compilerOutput,
            ...(compilerOutput.errors === undefined
              ? {}
              : { errors: compilerOutput.errors.filter((error) => !isOpenZeppelinTransientStorageWarning(error)) }),
          }),
      }),
    }),
  },
};

export default quietTransientStorageWarning;
