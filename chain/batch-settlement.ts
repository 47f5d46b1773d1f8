// The x402 `batch-settlement` scheme's on-chain side, as the rest of 402claw sees it: where the
// contracts live, who authorizes claims and refunds locally, the withdrawal delay, the ABI and
// what each operation costs in gas. Free of Node built-ins so a Worker may import it too.
import type { AuthorizerSigner } from "@x402/evm/batch-settlement/server";
import { type Address, type Hex, parseAbi } from "viem";
import { privateKeyToAccount } from "viem/accounts";

/** Where `@x402/evm` expects the batch-settlement contract (same address on every chain; placed there on anvil). */
export const BATCH_SETTLEMENT_ADDRESS: Address = "0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003";
/** Where `@x402/evm` expects the ERC-3009 deposit collector (the `to` of a deposit's ReceiveWithAuthorization). */
export const ERC3009_DEPOSIT_COLLECTOR_ADDRESS: Address = "0x4020806089470a89826cB9fB1f4059150b550004";
/** The contract's EIP-712 domain (name, version); chainId and verifyingContract complete it. */
export const BATCH_SETTLEMENT_DOMAIN = { name: "x402 Batch Settlement", version: "1" } as const;

/** The scheme's bounds on a channel's withdrawal delay (the contract and the SDK both enforce them). */
export const MIN_WITHDRAW_DELAY_SECONDS = 900;
export const MAX_WITHDRAW_DELAY_SECONDS = 30 * 24 * 3600;
/**
 * The withdrawal delay the local stack offers (the minimum, 15 minutes): how long the platform
 * has to claim a payer's outstanding vouchers after the payer starts a timed withdrawal. Tests
 * pass it with anvil's `evm_increaseTime`.
 */
export const LOCAL_WITHDRAW_DELAY_SECONDS = MIN_WITHDRAW_DELAY_SECONDS;

/**
 * The receiver authorizer on the local chain: the key that signs `ClaimBatch` and `Refund`
 * messages for every API's channels (in production a platform secret; see README). It is
 * index 10 of anvil's public dev mnemonic: beyond the ten funded accounts, so no role, creator,
 * payer or bench wallet shares it. It never needs ETH or tokens: the facilitator relays and pays gas.
 */
export const LOCAL_RECEIVER_AUTHORIZER = {
  index: 10,
  address: "0xBcd4042DE499D14e55001CcbB24a551F3b954096" as Address,
  privateKey: "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897" as Hex,
} as const;

/** An x402 `AuthorizerSigner` (receiver authorizer) from a private key, for the server scheme's `receiverAuthorizerSigner`. */
export function receiverAuthorizerSigner(privateKey: Hex): AuthorizerSigner {
  const account = privateKeyToAccount(privateKey);
  return {
    address: account.address,
    // x402 passes loosely typed EIP-712 parameters; viem checks them at run time.
    signTypedData: (params) => account.signTypedData(params as Parameters<typeof account.signTypedData>[0]),
  };
}

/**
 * Gas used on the local contracts, as the facilitator's wallet pays it (chain/batch-settlement.test.ts
 * measures each and fails when one drifts by more than 10%).
 */
export const BATCH_SETTLEMENT_GAS = {
  /** First deposit into a channel via the ERC-3009 collector. */
  deposit: 135_000,
  /** A later deposit into the same channel. */
  topUp: 97_000,
  /** A `claimWithSignature` transaction: fixed part plus this much per channel row. */
  claimBase: 29_000,
  claimPerRow: 28_500,
  /** `settle(receiver, token)` the first time a receiver is paid (its token balance goes from zero). */
  firstSettle: 64_000,
  /** `settle(receiver, token)` for a receiver that was paid before. */
  settle: 47_000,
  /** One `exact` payment (transferWithAuthorization) to a receiver that holds tokens, for comparison. */
  exact: 66_000,
} as const;

/** The batch-settlement contract's ABI (the functions, views and events the SDK and 402claw use). */
export const batchSettlementAbi = parseAbi([
  "struct ChannelConfig { address payer; address payerAuthorizer; address receiver; address receiverAuthorizer; address token; uint40 withdrawDelay; bytes32 salt; }",
  "struct Voucher { ChannelConfig channel; uint128 maxClaimableAmount; }",
  "struct VoucherClaim { Voucher voucher; bytes signature; uint128 totalClaimed; }",
  "function deposit(ChannelConfig config, uint128 amount, address collector, bytes collectorData)",
  "function claim(VoucherClaim[] voucherClaims)",
  "function claimWithSignature(VoucherClaim[] voucherClaims, bytes authorizerSignature)",
  "function settle(address receiver, address token)",
  "function initiateWithdraw(ChannelConfig config, uint128 amount)",
  "function finalizeWithdraw(ChannelConfig config)",
  "function refund(ChannelConfig config, uint128 amount)",
  "function refundWithSignature(ChannelConfig config, uint128 amount, uint256 nonce, bytes receiverAuthorizerSignature)",
  "function multicall(bytes[] data) returns (bytes[] results)",
  "function getChannelId(ChannelConfig config) view returns (bytes32)",
  "function getVoucherDigest(bytes32 channelId, uint128 maxClaimableAmount) view returns (bytes32)",
  "function getRefundDigest(bytes32 channelId, uint256 nonce, uint128 amount) view returns (bytes32)",
  "function getClaimBatchDigest(VoucherClaim[] voucherClaims) view returns (bytes32)",
  "function channels(bytes32 channelId) view returns (uint128 balance, uint128 totalClaimed)",
  "function pendingWithdrawals(bytes32 channelId) view returns (uint128 amount, uint40 initiatedAt)",
  "function refundNonce(bytes32 channelId) view returns (uint256)",
  "function receivers(address receiver, address token) view returns (uint128 totalClaimed, uint128 totalSettled)",
  "event ChannelCreated(bytes32 indexed channelId, ChannelConfig config)",
  "event Deposited(bytes32 indexed channelId, address indexed payer, address collector, uint128 amount)",
  "event Claimed(bytes32 indexed channelId, address indexed receiver, address indexed token, uint128 amount, uint128 totalClaimed)",
  "event Settled(address indexed receiver, address indexed token, address indexed sender, uint128 amount)",
  "event WithdrawInitiated(bytes32 indexed channelId, uint128 amount, uint40 initiatedAt)",
  "event WithdrawFinalized(bytes32 indexed channelId, address indexed payer, uint128 amount)",
  "event Refunded(bytes32 indexed channelId, address indexed payer, uint128 amount, uint256 nonce)",
  "event ChannelClosed(bytes32 indexed channelId, ChannelConfig config)",
  "error Reentrancy()",
  "error ZeroAmount()",
  "error ZeroAddress()",
  "error WithdrawDelayOutOfRange(uint40 withdrawDelay)",
  "error DepositNotReceived(uint256 expected, uint256 received)",
  "error EmptyClaims()",
  "error NotReceiverSide(bytes32 channelId)",
  "error NotPayerSide(bytes32 channelId)",
  "error AuthorizerMismatch(bytes32 channelId)",
  "error InvalidAuthorizerSignature()",
  "error InvalidVoucherSignature(bytes32 channelId)",
  "error ClaimAboveVoucher(bytes32 channelId, uint128 totalClaimed, uint128 maxClaimableAmount)",
  "error ClaimAboveBalance(bytes32 channelId, uint128 totalClaimed, uint128 balance)",
  "error AmountAboveUnclaimed(bytes32 channelId, uint128 amount, uint128 unclaimed)",
  "error WithdrawalAlreadyPending(bytes32 channelId)",
  "error NoPendingWithdrawal(bytes32 channelId)",
  "error WithdrawDelayNotElapsed(bytes32 channelId, uint256 readyAt)",
  "error InvalidRefundNonce(bytes32 channelId, uint256 expected, uint256 given)",
]);

/** The channel's immutable configuration, as the contract and `@x402/evm` hash it. */
export interface ChannelConfig {
  payer: Address;
  payerAuthorizer: Address;
  receiver: Address;
  receiverAuthorizer: Address;
  token: Address;
  withdrawDelay: number;
  salt: Hex;
}
