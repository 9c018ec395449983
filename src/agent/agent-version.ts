/** Reported at registration and in the check-in inventory. */
export const AGENT_VERSION = '0.1.0';
