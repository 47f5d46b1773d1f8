/**
 * When the gateway's scheduled handler runs (reconciling unknown payments, claiming channels across
 * payers): production's Cron Trigger default (infra's `reconcileCron`), and the local stack's
 * interval for the same schedule.
 */
export const DEFAULT_GATEWAY_CRON = "*/5 * * * *";
export const DEFAULT_GATEWAY_CRON_EVERY_MS = 5 * 60_000;
