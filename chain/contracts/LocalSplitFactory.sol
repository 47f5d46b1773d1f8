// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {PaymentSplitter} from "@openzeppelin/contracts/finance/PaymentSplitter.sol";

/// @title LocalSplitFactory
/// @notice LOCAL-CHAIN STAND-IN for the 0xSplits v2 split factory (which has no MIT bytecode on npm).
/// Deploys one OpenZeppelin PaymentSplitter per API with CREATE2, so a split's address follows from
/// (creator, platform, shares, salt) and can be an x402 `payTo` before the split exists: tokens sent
/// there early are simply found by the splitter once it is deployed.
/// @dev Stateless and permissionless: the init code commits to payees and shares, so whoever deploys
/// a split can only deploy exactly the split the address was predicted for.
contract LocalSplitFactory {
    event SplitCreated(
        address indexed split,
        address indexed creator,
        address indexed platform,
        uint256 creatorShares,
        uint256 platformShares,
        bytes32 salt
    );

    /// @notice Deploys the PaymentSplitter for these terms; reverts if it already exists.
    function createSplit(
        address creator,
        address platform,
        uint256 creatorShares,
        uint256 platformShares,
        bytes32 salt
    ) external returns (address split) {
        (address[] memory payees, uint256[] memory shares) = _payeesAndShares(
            creator,
            platform,
            creatorShares,
            platformShares
        );
        split = address(new PaymentSplitter{salt: salt}(payees, shares));
        emit SplitCreated(split, creator, platform, creatorShares, platformShares, salt);
    }

    /// @notice The address createSplit deploys (or deployed) these terms to.
    function predictSplitAddress(
        address creator,
        address platform,
        uint256 creatorShares,
        uint256 platformShares,
        bytes32 salt
    ) external view returns (address) {
        (address[] memory payees, uint256[] memory shares) = _payeesAndShares(
            creator,
            platform,
            creatorShares,
            platformShares
        );
        bytes32 initCodeHash = keccak256(
            abi.encodePacked(type(PaymentSplitter).creationCode, abi.encode(payees, shares))
        );
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initCodeHash)))));
    }

    // Payee order is part of the address: creator first, platform second, everywhere.
    function _payeesAndShares(
        address creator,
        address platform,
        uint256 creatorShares,
        uint256 platformShares
    ) private pure returns (address[] memory payees, uint256[] memory shares) {
        payees = new address[](2);
        payees[0] = creator;
        payees[1] = platform;
        shares = new uint256[](2);
        shares[0] = creatorShares;
        shares[1] = platformShares;
    }
}
