/// <reference types="vite-plugin-pwa/vanillajs" />
/** The page's one AppUpdates, registering the worker vite-plugin-pwa builds (web/vite.config.ts). */
import { registerSW } from "virtual:pwa-register";
import { AppUpdates } from "./updates";

export const appUpdates = new AppUpdates(registerSW);
