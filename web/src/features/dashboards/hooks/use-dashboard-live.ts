// Keeps a dashboard's widget rows current while it is open: subscribes to
// the hub topic "dashboard:<id>" (src/evals/dashboards_live.h), sends the
// server the time range shown, and merges each widget_update event into the
// cached rows of the dashboard's data query.
import { useEffect, useRef, useState } from "react";
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { z } from "zod";
import { metricsRowSchema, type DashboardData } from "../api/dashboards";
import { HubSocket, type TopicStatus } from "../api/hub-socket";
import { mergeWidgetUpdate } from "../lib/chart-data";

const widgetUpdateSchema = z.object({
  action: z.literal("widget_update"),
  dashboard: z.string(),
  widget: z.string(),
  mode: z.enum(["merge", "replace"]),
  from: z.string(),
  to: z.string(),
  rows: z.array(metricsRowSchema),
});

export interface LiveState {
  status: TopicStatus;
  // The server's reason when it rejected the subscription or a message.
  message?: string;
  // Updates applied since the dashboard opened.
  updates: number;
}

// `from` is the start of the range shown (ISO 8601). The range stays open
// at the end, so events newer than the last fetch still arrive.
export function useDashboardLive(dashboardId: string, from: string, dataKey: QueryKey): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>({ status: "connecting", updates: 0 });
  // The key changes when the range is refreshed; the socket stays.
  const keyRef = useRef(dataKey);
  keyRef.current = dataKey;
  const hubRef = useRef<HubSocket | null>(null);
  const topic = `dashboard:${dashboardId}`;

  useEffect(() => {
    const hub = new HubSocket();
    hubRef.current = hub;
    let wasLive = false;
    const unsubscribe = hub.subscribe(topic, {
      onStatus: (status, message) => {
        setState((previous) => ({ ...previous, status, message }));
        // Events sent before the subscription was confirmed are lost, so
        // read the rows again once it is.
        if (status === "live" && !wasLive) void queryClient.invalidateQueries({ queryKey: keyRef.current });
        wasLive = status === "live";
      },
      onEvent: (data) => {
        const update = widgetUpdateSchema.safeParse(data);
        if (!update.success) return;
        queryClient.setQueryData<DashboardData>(keyRef.current, (current) => {
          if (!current) return current;
          return {
            ...current,
            widgets: current.widgets.map((widget) =>
              widget.id === update.data.widget
                ? { ...widget, error: undefined, data: mergeWidgetUpdate(widget.data ?? [], update.data) }
                : widget,
            ),
          };
        });
        setState((previous) => ({ ...previous, updates: previous.updates + 1 }));
      },
    });
    return () => {
      unsubscribe();
      hub.close();
      hubRef.current = null;
    };
  }, [topic, queryClient]);

  // The range goes over the open socket; the hub re-sends it on reconnect.
  useEffect(() => {
    hubRef.current?.send(topic, { from });
  }, [topic, from]);

  return state;
}
