// Signs an EIP-2612 permit the way a wallet would, for any ERC20Permit token of ours.
import { Signature, type Signer } from "ethers";

interface PermitToken {
  getAddress(): Promise<string>;
  name(): Promise<string>;
  nonces(owner: string): Promise<bigint>;
}

/** A permit letting `spender` pull `value` of `owner`'s tokens until `deadline`, signed by `signer` (the owner unless a forgery is wanted). */
export async function signPermit(
  token: PermitToken,
  owner: Signer,
  spender: string,
  value: bigint,
  deadline: bigint,
  signer: Signer = owner,
): Promise<Signature> {
  const provider = owner.provider;
  if (provider === null) throw new Error("signPermit: the owner's signer has no provider");
  const { chainId } = await provider.getNetwork();
  const domain = { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() };
  const types = {
    Permit: [
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  };
  const ownerAddress = await owner.getAddress();
  const nonce = await token.nonces(ownerAddress);
  return Signature.from(
    await signer.signTypedData(domain, types, { owner: ownerAddress, spender, value, nonce, deadline }),
  );
}
