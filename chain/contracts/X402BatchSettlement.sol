// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {IDepositCollector} from "./IDepositCollector.sol";

/// @title X402BatchSettlement
/// @notice Payment channels for the x402 `batch-settlement` scheme on the local chain. A payer
///         deposits into a channel (through a deposit collector), signs cumulative vouchers off
///         chain, and the receiver side claims the latest voucher of many channels in one
///         transaction, then settles the claimed sum to the receiver in one transfer.
/// @dev Written for 402claw from the public scheme description (x402
///      specs/schemes/batch-settlement/scheme_batch_settlement_evm.md) and the ABI that the
///      npm package x402/evm exports; it is not the reference contract. Accounting per channel:
///      `balance` = deposits - refunds - withdrawals (claimed funds stay counted in it), and
///      `totalClaimed` <= `balance` always, so `balance - totalClaimed` is the unclaimed escrow.
///      Per receiver and token, `totalClaimed - totalSettled` is owed to the receiver. Token
///      balances of all channels are pooled in this contract; the sum owed never exceeds it
///      because a deposit is only counted once the tokens have arrived.
contract X402BatchSettlement is EIP712, Multicall {
    using SafeERC20 for IERC20;

    struct ChannelConfig {
        address payer;
        address payerAuthorizer;
        address receiver;
        address receiverAuthorizer;
        address token;
        uint40 withdrawDelay;
        bytes32 salt;
    }

    struct Voucher {
        ChannelConfig channel;
        uint128 maxClaimableAmount;
    }

    struct VoucherClaim {
        Voucher voucher;
        bytes signature;
        uint128 totalClaimed;
    }

    struct ChannelState {
        uint128 balance;
        uint128 totalClaimed;
    }

    struct PendingWithdrawal {
        uint128 amount;
        uint40 initiatedAt;
    }

    struct ReceiverState {
        uint128 totalClaimed;
        uint128 totalSettled;
    }

    bytes32 public constant CHANNEL_CONFIG_TYPEHASH = keccak256(
        "ChannelConfig(address payer,address payerAuthorizer,address receiver,address receiverAuthorizer,address token,uint40 withdrawDelay,bytes32 salt)"
    );
    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(bytes32 channelId,uint128 maxClaimableAmount)");
    bytes32 public constant REFUND_TYPEHASH = keccak256("Refund(bytes32 channelId,uint256 nonce,uint128 amount)");
    bytes32 public constant CLAIM_ENTRY_TYPEHASH =
        keccak256("ClaimEntry(bytes32 channelId,uint128 maxClaimableAmount,uint128 totalClaimed)");
    bytes32 public constant CLAIM_BATCH_TYPEHASH = keccak256(
        "ClaimBatch(ClaimEntry[] claims)ClaimEntry(bytes32 channelId,uint128 maxClaimableAmount,uint128 totalClaimed)"
    );
    uint40 public constant MIN_WITHDRAW_DELAY = 15 minutes;
    uint40 public constant MAX_WITHDRAW_DELAY = 30 days;

    mapping(bytes32 channelId => ChannelState) public channels;
    mapping(bytes32 channelId => PendingWithdrawal) public pendingWithdrawals;
    mapping(bytes32 channelId => uint256) public refundNonce;
    mapping(address receiver => mapping(address token => ReceiverState)) public receivers;

    // Transient (EIP-1153): no storage slot to initialise, so the guard also works in code that
    // was copied to another address with anvil_setCode.
    bool private transient _entered;

    event ChannelCreated(bytes32 indexed channelId, ChannelConfig config);
    event Deposited(bytes32 indexed channelId, address indexed payer, address collector, uint128 amount);
    event Claimed(
        bytes32 indexed channelId, address indexed receiver, address indexed token, uint128 amount, uint128 totalClaimed
    );
    event Settled(address indexed receiver, address indexed token, address indexed sender, uint128 amount);
    event WithdrawInitiated(bytes32 indexed channelId, uint128 amount, uint40 initiatedAt);
    event WithdrawFinalized(bytes32 indexed channelId, address indexed payer, uint128 amount);
    event Refunded(bytes32 indexed channelId, address indexed payer, uint128 amount, uint256 nonce);
    event ChannelClosed(bytes32 indexed channelId, ChannelConfig config);

    error Reentrancy();
    error ZeroAmount();
    error ZeroAddress();
    error WithdrawDelayOutOfRange(uint40 withdrawDelay);
    error DepositNotReceived(uint256 expected, uint256 received);
    error EmptyClaims();
    error NotReceiverSide(bytes32 channelId);
    error NotPayerSide(bytes32 channelId);
    error AuthorizerMismatch(bytes32 channelId);
    error InvalidAuthorizerSignature();
    error InvalidVoucherSignature(bytes32 channelId);
    error ClaimAboveVoucher(bytes32 channelId, uint128 totalClaimed, uint128 maxClaimableAmount);
    error ClaimAboveBalance(bytes32 channelId, uint128 totalClaimed, uint128 balance);
    error AmountAboveUnclaimed(bytes32 channelId, uint128 amount, uint128 unclaimed);
    error WithdrawalAlreadyPending(bytes32 channelId);
    error NoPendingWithdrawal(bytes32 channelId);
    error WithdrawDelayNotElapsed(bytes32 channelId, uint256 readyAt);
    error InvalidRefundNonce(bytes32 channelId, uint256 expected, uint256 given);

    modifier nonReentrant() {
        if (_entered) revert Reentrancy();
        _entered = true;
        _;
        _entered = false;
    }

    constructor() EIP712("x402 Batch Settlement", "1") {}

    // ---- deposits ----

    /// @notice Pulls `amount` of the channel's token through `collector` into the channel.
    /// @dev Any collector may be named: the deposit counts only what actually arrived here.
    function deposit(ChannelConfig calldata config, uint128 amount, address collector, bytes calldata collectorData)
        external
        nonReentrant
    {
        if (amount == 0) revert ZeroAmount();
        _validateConfig(config);
        bytes32 channelId = getChannelId(config);
        IERC20 token = IERC20(config.token);
        uint256 before = token.balanceOf(address(this));
        IDepositCollector(collector).collect(config.payer, config.token, amount, channelId, collectorData);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert DepositNotReceived(amount, received);

        ChannelState storage channel = channels[channelId];
        bool opening = channel.balance == 0 && channel.totalClaimed == 0;
        channel.balance += amount;
        if (opening) emit ChannelCreated(channelId, config);
        emit Deposited(channelId, config.payer, collector, amount);
    }

    // ---- claims and settlement ----

    /// @notice Claims vouchers; the caller must be the receiver or receiver authorizer of every row.
    function claim(VoucherClaim[] calldata voucherClaims) external nonReentrant {
        if (voucherClaims.length == 0) revert EmptyClaims();
        for (uint256 i = 0; i < voucherClaims.length; i++) {
            ChannelConfig calldata config = voucherClaims[i].voucher.channel;
            bytes32 channelId = getChannelId(config);
            if (msg.sender != config.receiver && msg.sender != config.receiverAuthorizer) {
                revert NotReceiverSide(channelId);
            }
            _claim(voucherClaims[i], channelId);
        }
    }

    /// @notice Claims vouchers of many channels, authorized by one EIP-712 `ClaimBatch` signature
    ///         of their common receiver authorizer; anyone may relay it.
    /// @dev A row at or below the channel's claimed total is a no-op, so a replayed or retried
    ///      batch changes nothing.
    function claimWithSignature(VoucherClaim[] calldata voucherClaims, bytes calldata authorizerSignature)
        external
        nonReentrant
    {
        if (voucherClaims.length == 0) revert EmptyClaims();
        address authorizer = voucherClaims[0].voucher.channel.receiverAuthorizer;
        bytes32[] memory channelIds = new bytes32[](voucherClaims.length);
        bytes32[] memory entryHashes = new bytes32[](voucherClaims.length);
        for (uint256 i = 0; i < voucherClaims.length; i++) {
            VoucherClaim calldata row = voucherClaims[i];
            channelIds[i] = getChannelId(row.voucher.channel);
            if (row.voucher.channel.receiverAuthorizer != authorizer) revert AuthorizerMismatch(channelIds[i]);
            entryHashes[i] = _claimEntryHash(channelIds[i], row.voucher.maxClaimableAmount, row.totalClaimed);
        }
        bytes32 digest = _claimBatchDigest(entryHashes);
        if (!SignatureChecker.isValidSignatureNow(authorizer, digest, authorizerSignature)) {
            revert InvalidAuthorizerSignature();
        }
        for (uint256 i = 0; i < voucherClaims.length; i++) {
            _claim(voucherClaims[i], channelIds[i]);
        }
    }

    /// @notice Transfers everything claimed but not yet settled for `receiver` in `token`. Permissionless.
    function settle(address receiver, address token) external nonReentrant {
        ReceiverState storage state = receivers[receiver][token];
        uint128 amount = state.totalClaimed - state.totalSettled;
        if (amount == 0) return;
        state.totalSettled = state.totalClaimed;
        IERC20(token).safeTransfer(receiver, amount);
        emit Settled(receiver, token, msg.sender, amount);
    }

    // ---- the payer's timed withdrawal ----

    /// @notice Starts the payer's escape hatch: `amount` (at most the unclaimed escrow) can be
    ///         withdrawn once `withdrawDelay` has passed; the receiver may still claim meanwhile.
    function initiateWithdraw(ChannelConfig calldata config, uint128 amount) external nonReentrant {
        bytes32 channelId = getChannelId(config);
        _onlyPayerSide(config, channelId);
        if (amount == 0) revert ZeroAmount();
        ChannelState storage channel = channels[channelId];
        uint128 unclaimed = channel.balance - channel.totalClaimed;
        if (amount > unclaimed) revert AmountAboveUnclaimed(channelId, amount, unclaimed);
        PendingWithdrawal storage pending = pendingWithdrawals[channelId];
        if (pending.initiatedAt != 0) revert WithdrawalAlreadyPending(channelId);
        pending.amount = amount;
        pending.initiatedAt = uint40(block.timestamp);
        emit WithdrawInitiated(channelId, amount, uint40(block.timestamp));
    }

    /// @notice Completes a timed withdrawal after its delay, paying out at most what is still unclaimed.
    function finalizeWithdraw(ChannelConfig calldata config) external nonReentrant {
        bytes32 channelId = getChannelId(config);
        _onlyPayerSide(config, channelId);
        PendingWithdrawal memory pending = pendingWithdrawals[channelId];
        if (pending.initiatedAt == 0) revert NoPendingWithdrawal(channelId);
        uint256 readyAt = uint256(pending.initiatedAt) + config.withdrawDelay;
        if (block.timestamp < readyAt) revert WithdrawDelayNotElapsed(channelId, readyAt);
        delete pendingWithdrawals[channelId];

        ChannelState storage channel = channels[channelId];
        uint128 unclaimed = channel.balance - channel.totalClaimed;
        uint128 amount = pending.amount < unclaimed ? pending.amount : unclaimed;
        channel.balance -= amount;
        if (amount > 0) IERC20(config.token).safeTransfer(config.payer, amount);
        emit WithdrawFinalized(channelId, config.payer, amount);
        _closeIfDrained(config, channelId, channel);
    }

    // ---- cooperative refunds ----

    /// @notice Returns up to `amount` of unclaimed escrow to the payer; called by the receiver side.
    function refund(ChannelConfig calldata config, uint128 amount) external nonReentrant {
        bytes32 channelId = getChannelId(config);
        if (msg.sender != config.receiver && msg.sender != config.receiverAuthorizer) {
            revert NotReceiverSide(channelId);
        }
        _refund(config, channelId, amount);
    }

    /// @notice Refund authorized by the receiver authorizer's EIP-712 `Refund` signature; anyone may relay it.
    function refundWithSignature(
        ChannelConfig calldata config,
        uint128 amount,
        uint256 nonce,
        bytes calldata receiverAuthorizerSignature
    ) external nonReentrant {
        bytes32 channelId = getChannelId(config);
        uint256 expected = refundNonce[channelId];
        if (nonce != expected) revert InvalidRefundNonce(channelId, expected, nonce);
        bytes32 digest = getRefundDigest(channelId, nonce, amount);
        if (!SignatureChecker.isValidSignatureNow(config.receiverAuthorizer, digest, receiverAuthorizerSignature)) {
            revert InvalidAuthorizerSignature();
        }
        _refund(config, channelId, amount);
    }

    // ---- views ----

    /// @notice The channel id: the EIP-712 hash of its config under this contract's domain.
    function getChannelId(ChannelConfig calldata config) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    CHANNEL_CONFIG_TYPEHASH,
                    config.payer,
                    config.payerAuthorizer,
                    config.receiver,
                    config.receiverAuthorizer,
                    config.token,
                    config.withdrawDelay,
                    config.salt
                )
            )
        );
    }

    function getVoucherDigest(bytes32 channelId, uint128 maxClaimableAmount) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOUCHER_TYPEHASH, channelId, maxClaimableAmount)));
    }

    function getRefundDigest(bytes32 channelId, uint256 nonce, uint128 amount) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REFUND_TYPEHASH, channelId, nonce, amount)));
    }

    function getClaimBatchDigest(VoucherClaim[] calldata voucherClaims) external view returns (bytes32) {
        bytes32[] memory entryHashes = new bytes32[](voucherClaims.length);
        for (uint256 i = 0; i < voucherClaims.length; i++) {
            VoucherClaim calldata row = voucherClaims[i];
            entryHashes[i] =
                _claimEntryHash(getChannelId(row.voucher.channel), row.voucher.maxClaimableAmount, row.totalClaimed);
        }
        return _claimBatchDigest(entryHashes);
    }

    // ---- internals ----

    function _claim(VoucherClaim calldata row, bytes32 channelId) private {
        ChannelConfig calldata config = row.voucher.channel;
        uint128 newTotal = row.totalClaimed;
        uint128 ceiling = row.voucher.maxClaimableAmount;
        if (newTotal > ceiling) revert ClaimAboveVoucher(channelId, newTotal, ceiling);
        ChannelState storage channel = channels[channelId];
        if (newTotal > channel.balance) revert ClaimAboveBalance(channelId, newTotal, channel.balance);
        uint128 previous = channel.totalClaimed;
        if (newTotal <= previous) return;
        _requireVoucherSignature(config, channelId, ceiling, row.signature);
        uint128 delta = newTotal - previous;
        channel.totalClaimed = newTotal;
        receivers[config.receiver][config.token].totalClaimed += delta;
        emit Claimed(channelId, config.receiver, config.token, delta, newTotal);
    }

    function _refund(ChannelConfig calldata config, bytes32 channelId, uint128 amount) private {
        if (amount == 0) revert ZeroAmount();
        // The nonce moves first, even when nothing is left to refund, so an older signed refund
        // can never be replayed.
        uint256 nonce = refundNonce[channelId]++;
        ChannelState storage channel = channels[channelId];
        uint128 unclaimed = channel.balance - channel.totalClaimed;
        uint128 refunded = amount < unclaimed ? amount : unclaimed;
        if (refunded == 0) return;
        channel.balance -= refunded;
        PendingWithdrawal storage pending = pendingWithdrawals[channelId];
        if (pending.initiatedAt != 0) {
            if (refunded >= pending.amount) delete pendingWithdrawals[channelId];
            else pending.amount -= refunded;
        }
        IERC20(config.token).safeTransfer(config.payer, refunded);
        emit Refunded(channelId, config.payer, refunded, nonce);
        _closeIfDrained(config, channelId, channel);
    }

    function _closeIfDrained(ChannelConfig calldata config, bytes32 channelId, ChannelState storage channel) private {
        if (channel.balance == 0 && channel.totalClaimed == 0) emit ChannelClosed(channelId, config);
    }

    function _requireVoucherSignature(
        ChannelConfig calldata config,
        bytes32 channelId,
        uint128 maxClaimableAmount,
        bytes calldata signature
    ) private view {
        bytes32 digest = getVoucherDigest(channelId, maxClaimableAmount);
        bool valid;
        if (config.payerAuthorizer != address(0)) {
            // A committed EOA signs vouchers: plain ECDSA, no call into the payer.
            (address signer, ECDSA.RecoverError error) = ECDSA.tryRecover(digest, signature);
            valid = error == ECDSA.RecoverError.NoError && signer == config.payerAuthorizer;
        } else {
            // No committed key: the payer itself signs (an EOA, or a contract wallet via ERC-1271).
            valid = SignatureChecker.isValidSignatureNow(config.payer, digest, signature);
        }
        if (!valid) revert InvalidVoucherSignature(channelId);
    }

    function _onlyPayerSide(ChannelConfig calldata config, bytes32 channelId) private view {
        if (msg.sender != config.payer && msg.sender != config.payerAuthorizer) revert NotPayerSide(channelId);
    }

    function _validateConfig(ChannelConfig calldata config) private pure {
        if (
            config.payer == address(0) || config.receiver == address(0) || config.receiverAuthorizer == address(0)
                || config.token == address(0)
        ) revert ZeroAddress();
        if (config.withdrawDelay < MIN_WITHDRAW_DELAY || config.withdrawDelay > MAX_WITHDRAW_DELAY) {
            revert WithdrawDelayOutOfRange(config.withdrawDelay);
        }
    }

    function _claimEntryHash(bytes32 channelId, uint128 maxClaimableAmount, uint128 totalClaimed)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(CLAIM_ENTRY_TYPEHASH, channelId, maxClaimableAmount, totalClaimed));
    }

    // EIP-712 encodes an array of structs as the hash of its members' struct hashes, concatenated.
    function _claimBatchDigest(bytes32[] memory entryHashes) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CLAIM_BATCH_TYPEHASH, keccak256(abi.encodePacked(entryHashes)))));
    }
}
