// A WebSocket client of GET /api/ws for tests: JSON frames in and out, and
// a wait for the next message that matches a predicate.
import WebSocket from "ws";

// Opens /api/ws with a key pair (Basic) and resolves once connected.
export async function connectLive(baseUrl, publicKey, secretKey) {
  const url = baseUrl.replace(/^http/, "ws") + "/api/ws";
  const authorization = "Basic " + Buffer.from(`${publicKey}:${secretKey}`).toString("base64");
  const socket = new WebSocket(url, { headers: { Authorization: authorization } });
  const received = [];
  const waiters = [];

  socket.on("message", (text) => {
    const message = JSON.parse(String(text));
    const waiter = waiters.find((w) => w.matches(message));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    } else {
      received.push(message);
    }
  });
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });

  // The first message, already received or still to come, that `matches`.
  function next(matches, timeoutMs = 10000) {
    const index = received.findIndex(matches);
    if (index >= 0) return Promise.resolve(received.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = { matches, resolve };
      waiters.push(waiter);
      setTimeout(() => {
        if (!waiters.includes(waiter)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no matching WebSocket message within ${timeoutMs} ms; unmatched: ${JSON.stringify(received)}`));
      }, timeoutMs).unref();
    });
  }

  return {
    socket,
    next,
    send(message) {
      socket.send(JSON.stringify(message));
    },
    // Subscribes and resolves with the server's reply (subscribed or error).
    subscribe(topic) {
      socket.send(JSON.stringify({ type: "subscribe", topic }));
      return next((m) => m.topic === topic && (m.type === "subscribed" || m.type === "error"));
    },
    close() {
      socket.close();
    },
  };
}
