// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice How X402BatchSettlement pulls a deposit: the collector moves `amount` of `token` from
///         `payer` to the settlement contract (msg.sender), using `data` as its authorization.
interface IDepositCollector {
    function collect(address payer, address token, uint256 amount, bytes32 channelId, bytes calldata data) external;
}
