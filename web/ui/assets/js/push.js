// Web push in the page: what this browser supports, turning notifications
// on and off for this device, and re-syncing the subscription with the
// server so a changed endpoint is caught. Permission is only ever asked
// from turnOn, which must run in a click handler.

import { api } from './api.js';
import './push-common.js';

const common = globalThis.havenPush;

// OWNER_KEY remembers which user turned notifications on in this browser,
// so a re-sync never moves the device to someone else who signs in here.
const OWNER_KEY = 'haven.push.owner';
const READY_MS = 15000;
const SUBSCRIBE_MS = 30000;

let synced = null;
let deviceId = 0;

// PushProblem is a failure with a message to show as it is.
export class PushProblem extends Error {}

// support says what this browser can do: 'ok'; 'ios-install' on an iPhone
// or iPad where Haven is not opened from the Home Screen (Safari offers
// push only there); or 'unsupported'.
export function support() {
  const ios = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  const standalone = navigator.standalone === true || matchMedia('(display-mode: standalone)').matches;
  if (ios && !standalone) {
    return 'ios-install';
  }
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return 'unsupported';
  }
  return 'ok';
}

// permission is the notification permission: 'default', 'granted' or
// 'denied'.
export function permission() {
  return 'Notification' in window ? Notification.permission : 'default';
}

// thisDevice is the server's id of this browser's subscription, once known
// (0 before).
export function thisDevice() {
  return deviceId;
}

function within(promise, ms, message) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new PushProblem(message)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function registration() {
  return within(navigator.serviceWorker.ready, READY_MS,
    'Haven’s background helper is not running in this browser yet. Reload the page and try again.');
}

// subscription returns this browser's push subscription, or null.
export async function subscription() {
  if (support() !== 'ok') {
    return null;
  }
  const reg = await navigator.serviceWorker.getRegistration('/');
  return reg ? reg.pushManager.getSubscription() : null;
}

// turnOn asks for permission (call it from a click), subscribes this
// browser and registers it for user ownerId. It returns the permission
// answer: 'granted' once the server has the device, else 'denied' or
// 'default' (the prompt was dismissed). Failures throw with a message to
// show.
export async function turnOn(ownerId) {
  const answer = await Notification.requestPermission();
  if (answer !== 'granted') {
    return answer;
  }
  const { key } = await api('GET', '/api/push/key');
  const reg = await registration();
  let sub = await reg.pushManager.getSubscription();
  if (sub && !sameKey(sub, key)) {
    await sub.unsubscribe();
    sub = null;
  }
  if (!sub) {
    try {
      sub = await within(reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: common.keyBytes(key) }),
        SUBSCRIBE_MS, 'Your browser’s notification service did not answer. Check your connection and try again.');
    } catch (err) {
      throw err instanceof PushProblem ? err : new PushProblem(subscribeProblem(err));
    }
  }
  const device = await api('POST', '/api/push/subscriptions', sub.toJSON());
  deviceId = device.id;
  localStorage.setItem(OWNER_KEY, String(ownerId));
  synced = Promise.resolve(device);
  return 'granted';
}

function subscribeProblem(err) {
  if (err && err.name === 'NotAllowedError') {
    return 'Your browser did not allow Haven to send notifications. Check its notification settings and try again.';
  }
  return 'Your browser could not reach its notification service. Check your connection and try again.';
}

function sameKey(sub, key) {
  const have = sub.options && sub.options.applicationServerKey;
  if (!have) {
    return true;
  }
  const want = common.keyBytes(key);
  const got = new Uint8Array(have);
  return got.length === want.length && got.every((b, i) => b === want[i]);
}

// turnOff stops notifications on this device: the server forgets it and
// the browser drops the subscription.
export async function turnOff() {
  const sub = await subscription();
  if (deviceId) {
    await forget(deviceId);
  }
  if (sub) {
    await sub.unsubscribe();
  }
  deviceId = 0;
  synced = null;
  localStorage.removeItem(OWNER_KEY);
}

// forget removes a device from the server (already gone is fine).
export async function forget(id) {
  try {
    await api('DELETE', `/api/push/subscriptions/${id}`);
  } catch (err) {
    if (err.status !== 404) {
      throw err;
    }
  }
  if (id === deviceId) {
    deviceId = 0;
    synced = null;
  }
}

// resync sends this browser's subscription to the server again when
// permission is granted and a subscription exists, so endpoint changes
// are caught; it resolves to the device, or null when there is nothing to
// sync. It never asks for permission. Concurrent calls share one request;
// a failed one is retried by the next call.
export function resync() {
  if (!synced) {
    synced = syncNow().catch((err) => {
      synced = null;
      throw err;
    });
  }
  return synced;
}

async function syncNow() {
  if (support() !== 'ok' || permission() !== 'granted') {
    return null;
  }
  const sub = await subscription();
  if (!sub) {
    return null;
  }
  const owner = localStorage.getItem(OWNER_KEY);
  if (owner) {
    const me = await api('GET', '/api/me', undefined, { auth: false });
    if (String(me.id) !== owner) {
      return null;
    }
  }
  const device = await api('POST', '/api/push/subscriptions', sub.toJSON(), { auth: false });
  deviceId = device.id;
  return device;
}
