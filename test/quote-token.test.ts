import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress } from "ethers";

import { signPermit } from "./helpers/permit.ts";

const { ethers, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

async function deployQuote() {
  const [deployer, alice, bob] = await ethers.getSigners();
  const quote = await ethers.deployContract("QuoteToken", [], deployer);
  return { quote, alice, bob };
}

describe("QuoteToken", () => {
  it("is Arena USD (aUSD) with 6 decimals and no initial supply", async () => {
    const { quote } = await loadFixture(deployQuote);
    expect(await quote.name()).to.equal("Arena USD");
    expect(await quote.symbol()).to.equal("aUSD");
    expect(await quote.decimals()).to.equal(6n);
    expect(await quote.totalSupply()).to.equal(0n);
  });

  it("lets anyone mint to anyone", async () => {
    const { quote, alice, bob } = await loadFixture(deployQuote);
    const amount = 1_250_000_000n; // 1,250 aUSD
    await expect(quote.connect(alice).mint(bob.address, amount))
      .to.emit(quote, "Transfer")
      .withArgs(ZeroAddress, bob.address, amount);
    expect(await quote.balanceOf(bob.address)).to.equal(amount);
    expect(await quote.totalSupply()).to.equal(amount);
    await expect(quote.mint(ZeroAddress, 1n))
      .to.be.revertedWithCustomError(quote, "ERC20InvalidReceiver")
      .withArgs(ZeroAddress);
  });

  describe("permit", () => {
    it("approves by signature, so the spender can pull without an approve transaction", async () => {
      const { quote, alice, bob } = await loadFixture(deployQuote);
      await quote.mint(alice.address, 500_000_000n);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await signPermit(quote, alice, bob.address, 200_000_000n, deadline);

      await expect(quote.connect(bob).permit(alice.address, bob.address, 200_000_000n, deadline, sig.v, sig.r, sig.s))
        .to.emit(quote, "Approval")
        .withArgs(alice.address, bob.address, 200_000_000n);
      expect(await quote.nonces(alice.address)).to.equal(1n);
      await quote.connect(bob).transferFrom(alice.address, bob.address, 200_000_000n);
      expect(await quote.balanceOf(bob.address)).to.equal(200_000_000n);
      expect(await quote.balanceOf(alice.address)).to.equal(300_000_000n);

      // The signature is spent: replaying it recovers another signer and is refused.
      await expect(
        quote.connect(bob).permit(alice.address, bob.address, 200_000_000n, deadline, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(quote, "ERC2612InvalidSigner");
    });

    it("refuses an expired permit and one signed by someone else", async () => {
      const { quote, alice, bob } = await loadFixture(deployQuote);
      const past = BigInt(await time.latest()) - 1n;
      const expired = await signPermit(quote, alice, bob.address, 1n, past);
      await expect(quote.permit(alice.address, bob.address, 1n, past, expired.v, expired.r, expired.s))
        .to.be.revertedWithCustomError(quote, "ERC2612ExpiredSignature")
        .withArgs(past);

      const deadline = BigInt(await time.latest()) + 3_600n;
      const forged = await signPermit(quote, alice, bob.address, 1n, deadline, bob);
      await expect(quote.permit(alice.address, bob.address, 1n, deadline, forged.v, forged.r, forged.s))
        .to.be.revertedWithCustomError(quote, "ERC2612InvalidSigner")
        .withArgs(bob.address, alice.address);
    });
  });
});
