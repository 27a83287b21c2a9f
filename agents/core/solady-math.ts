// The functions of solady's FixedPointMathLib (node_modules/solady/src/utils/FixedPointMathLib.sol)
// that CurveMath and ExpMath call, in bigint, bit for bit: expWad and lnWad follow the library's
// rational approximations step by step (bigint `/` truncates toward zero like sdiv, `>>` floors like
// sar, and no intermediate leaves int256, so nothing wraps), the rest are exact integer operations.
// Reverts are solady's custom errors.

import { ModelRevert } from "./model-revert.ts";
import { MAX_UINT256 } from "./units.ts";

const TWO_POW_95 = 1n << 95n;
const LN2_X96 = 54916777467707473351141471128n;
const FIVE_POW_18 = 5n ** 18n;
const EXP_MIN_WAD = -41446531673892822313n;
const EXP_MAX_WAD = 135305999368893231589n;

/** e^x in WAD for x in WAD; 0 below ln(1e-18), ExpOverflow from ~135. */
export function expWad(x: bigint): bigint {
  if (x <= EXP_MIN_WAD) return 0n;
  if (x >= EXP_MAX_WAD) throw new ModelRevert("ExpOverflow");
  x = (x << 78n) / FIVE_POW_18;
  const k = ((x << 96n) / LN2_X96 + TWO_POW_95) >> 96n;
  x = x - k * LN2_X96;
  let y = x + 1346386616545796478920950773328n;
  y = ((y * x) >> 96n) + 57155421227552351082224309758442n;
  let p = y + x - 94201549194550492254356042504812n;
  p = ((p * y) >> 96n) + 28719021644029726153956944680412240n;
  p = p * x + (4385272521454847904659076985693276n << 96n);
  let q = x - 2855989394907223263936484059900n;
  q = ((q * x) >> 96n) + 50020603652535783019961831881945n;
  q = ((q * x) >> 96n) - 533845033583426703283633433725380n;
  q = ((q * x) >> 96n) + 3604857256930695427073651918091429n;
  q = ((q * x) >> 96n) - 14423608567350463180887372962807573n;
  q = ((q * x) >> 96n) + 26449188498355588339934803723976023n;
  const r = p / q;
  return (r * 3822833074963236453042738258902158003155416615667n) >> (195n - k);
}

/** ln(x) in WAD for x > 0 in WAD; LnWadUndefined otherwise. */
export function lnWad(x: bigint): bigint {
  if (x <= 0n) throw new ModelRevert("LnWadUndefined");
  const log2 = bitLength(x) - 1;
  // x normalised into [2^96, 2^97), as shr(159, shl(255 − log2, x)) does
  x = log2 >= 96 ? x >> BigInt(log2 - 96) : x << BigInt(96 - log2);
  let p = ((3273285459638523848632254066296n + x) * x) >> 96n;
  p = ((24828157081833163892658089445524n + p) * x) >> 96n;
  p = (((43456485725739037958740375743393n + p) * x) >> 96n) - 11111509109440967052023855526967n;
  p = ((p * x) >> 96n) - 45023709667254063763336534515857n;
  p = ((p * x) >> 96n) - 14706773417378608786704636184526n;
  p = p * x - (795164235651350426258249787498n << 96n);
  let q = 5573035233440673466300451813936n + x;
  q = 71694874799317883764090561454958n + ((x * q) >> 96n);
  q = 283447036172924575727196451306956n + ((x * q) >> 96n);
  q = 401686690394027663651624208769553n + ((x * q) >> 96n);
  q = 204048457590392012362485061816622n + ((x * q) >> 96n);
  q = 31853899698501571402653359427138n + ((x * q) >> 96n);
  q = 909429971244387300277376558375n + ((x * q) >> 96n);
  p = p / q;
  p = 1677202110996718588342820967067443963516166n * p;
  // r = 255 − log2 in the library, so 159 − r = log2 − 96
  p = 16597577552685614221487285958193947469193820559219878177908093499208371n * BigInt(log2 - 96) + p;
  p = 600920179829731861736702779321621459595472258049074101567377883020018308n + p;
  return p >> 174n;
}

/** ⌊x·y/d⌋ at full precision; FullMulDivFailed when d = 0 or the result passes 2^256. */
export function fullMulDiv(x: bigint, y: bigint, d: bigint): bigint {
  if (d === 0n) throw new ModelRevert("FullMulDivFailed");
  const z = (x * y) / d;
  if (z > MAX_UINT256) throw new ModelRevert("FullMulDivFailed");
  return z;
}

/** ⌊x·y/d⌋; MulDivFailed when d = 0 or x·y passes 2^256. */
export function mulDiv(x: bigint, y: bigint, d: bigint): bigint {
  const z = x * y;
  if (d === 0n || z > MAX_UINT256) throw new ModelRevert("MulDivFailed");
  return z / d;
}

/** ⌈x·y/d⌉; MulDivFailed when d = 0 or x·y passes 2^256. */
export function mulDivUp(x: bigint, y: bigint, d: bigint): bigint {
  const z = x * y;
  if (d === 0n || z > MAX_UINT256) throw new ModelRevert("MulDivFailed");
  const q = z / d;
  return q * d === z ? q : q + 1n;
}

/** ⌈x/d⌉; DivFailed when d = 0. */
export function divUp(x: bigint, d: bigint): bigint {
  if (d === 0n) throw new ModelRevert("DivFailed");
  const q = x / d;
  return q * d === x ? q : q + 1n;
}

/** max(0, x − y). */
export function zeroFloorSub(x: bigint, y: bigint): bigint {
  return x > y ? x - y : 0n;
}

/** ⌊√x⌋ for x ≥ 0 (solady's sqrt and OpenZeppelin's Math.sqrt both return exactly this). */
export function sqrtDown(x: bigint): bigint {
  if (x < 2n) return x;
  // a float estimate good to ~2^-52, two Newton steps (~2^-200), then exact correction
  let z = BigInt(Math.floor(Math.sqrt(Number(x))));
  if (z === 0n) z = 1n;
  z = (z + x / z) >> 1n;
  z = (z + x / z) >> 1n;
  while (z * z > x) z--;
  while ((z + 1n) * (z + 1n) <= x) z++;
  return z;
}

/** The number of bits of x ≥ 0 (0 for 0), i.e. solady's log2(x) + 1. */
export function bitLength(x: bigint): number {
  if (x < 0x100000000n) return 32 - Math.clz32(Number(x));
  // the float log2 may be one off near a power of two: correct it against the integer
  let e = Math.floor(Math.log2(Number(x)));
  if (x >> BigInt(e) === 0n) e--;
  else if (x >> BigInt(e + 1) !== 0n) e++;
  return e + 1;
}
