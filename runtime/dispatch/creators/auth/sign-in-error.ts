/** Why a sign-in was refused; machine-readable, stable for clients. */
export type SignInFailureReason =
  | "malformed"
  | "wrong_domain"
  | "expired"
  | "not_yet_valid"
  | "bad_signature"
  | "nonce_reused";

const FIXES: Record<SignInFailureReason, string> = {
  malformed: "request a new challenge and sign its message unchanged",
  wrong_domain: "sign the challenge issued by this site, not another",
  expired: "request a new challenge and sign it before it expires",
  not_yet_valid: "check your clock, or wait until the message's validity starts",
  bad_signature: "sign the message with the wallet named in it",
  nonce_reused: "request a new challenge: each one can be used once",
};

/** A refused sign-in: `reason` for machines, the message says what was wrong and what to do. */
export class SignInError extends Error {
  /** HTTP status a handler should answer with. */
  readonly status = 401;

  constructor(
    readonly reason: SignInFailureReason,
    problem: string,
  ) {
    super(`sign-in refused (${reason}): ${problem}. Fix: ${FIXES[reason]}`);
    this.name = "SignInError";
  }
}
