/**
 * Typed subsets of the local stand-in's ABIs (chain/contracts/LocalSplitFactory.sol and OpenZeppelin
 * 4.9.6 PaymentSplitter) that TypeScript calls; local-split-abi.test.ts checks them against solc.
 */
export const localSplitFactoryAbi = [
  {
    type: "function",
    name: "createSplit",
    stateMutability: "nonpayable",
    inputs: [
      { name: "creator", type: "address" },
      { name: "platform", type: "address" },
      { name: "creatorShares", type: "uint256" },
      { name: "platformShares", type: "uint256" },
      { name: "salt", type: "bytes32" },
    ],
    outputs: [{ name: "split", type: "address" }],
  },
  {
    type: "function",
    name: "predictSplitAddress",
    stateMutability: "view",
    inputs: [
      { name: "creator", type: "address" },
      { name: "platform", type: "address" },
      { name: "creatorShares", type: "uint256" },
      { name: "platformShares", type: "uint256" },
      { name: "salt", type: "bytes32" },
    ],
    outputs: [{ name: "", type: "address" }],
  },
  {
    type: "event",
    name: "SplitCreated",
    anonymous: false,
    inputs: [
      { name: "split", type: "address", indexed: true },
      { name: "creator", type: "address", indexed: true },
      { name: "platform", type: "address", indexed: true },
      { name: "creatorShares", type: "uint256", indexed: false },
      { name: "platformShares", type: "uint256", indexed: false },
      { name: "salt", type: "bytes32", indexed: false },
    ],
  },
] as const;

export const paymentSplitterAbi = [
  {
    type: "function",
    name: "releasable",
    stateMutability: "view",
    inputs: [
      { name: "token", type: "address", internalType: "contract IERC20" },
      { name: "account", type: "address" },
    ],
    outputs: [{ name: "", type: "uint256" }],
  },
  {
    type: "function",
    name: "released",
    stateMutability: "view",
    inputs: [
      { name: "token", type: "address", internalType: "contract IERC20" },
      { name: "account", type: "address" },
    ],
    outputs: [{ name: "", type: "uint256" }],
  },
  {
    type: "function",
    name: "release",
    stateMutability: "nonpayable",
    inputs: [
      { name: "token", type: "address", internalType: "contract IERC20" },
      { name: "account", type: "address" },
    ],
    outputs: [],
  },
  {
    type: "function",
    name: "shares",
    stateMutability: "view",
    inputs: [{ name: "account", type: "address" }],
    outputs: [{ name: "", type: "uint256" }],
  },
  {
    type: "event",
    name: "ERC20PaymentReleased",
    anonymous: false,
    inputs: [
      { name: "token", type: "address", indexed: true, internalType: "contract IERC20" },
      { name: "to", type: "address", indexed: false },
      { name: "amount", type: "uint256", indexed: false },
    ],
  },
] as const;
