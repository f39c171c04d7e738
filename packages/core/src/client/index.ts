export * from "./client.js";
export * from "./sms-client.js";
