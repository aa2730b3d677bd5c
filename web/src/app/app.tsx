// Routes and the session gate. Pages under the layout need a session; a 401
// from any request sends the user to /login and back afterwards.
import { lazy, Suspense, useEffect, useState } from "react";
import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { ApiError, describeError } from "../api/client";
import { AccountPage } from "../features/account/components/account-page";
import { LoginPage } from "../features/auth/components/login-page";
import { currentUserKey, useCurrentUser } from "../features/auth/hooks/use-current-user";
import { DataManagerPage } from "../features/data-manager/components/data-manager-page";
import { LabelingPage } from "../features/labeling/components/labeling-page";
import { MembersPage } from "../features/organizations/components/members-page";
import { ProjectLanding } from "../features/projects/components/project-landing";
import { ProjectListPage } from "../features/projects/components/project-list-page";
import { SessionPage } from "../features/tracing/components/session-page";
import { SessionsPage } from "../features/tracing/components/sessions-page";
import { TraceDetailPage } from "../features/tracing/components/trace-detail-page";
import { TracesPage } from "../features/tracing/components/traces-page";
import { ReviewPage } from "../features/review/components/review-page";
import { ErrorState, Loading } from "../ui/states";
import { Layout } from "./layout";

// The settings page carries CodeMirror, the largest dependency; load it on
// first use so the other screens start faster.
const ProjectSettingsPage = lazy(() =>
  import("../features/projects/components/project-settings-page").then((module) => ({ default: module.ProjectSettingsPage })),
);

// Score distributions carry ECharts; load them on first use. The other
// tracing screens are small and load with the app, because a lazy page
// costs React's 300 ms Suspense reveal throttle on every first visit.
const ScoresPage = lazy(() =>
  import("../features/tracing/components/scores-page").then((module) => ({ default: module.ScoresPage })),
);

// The prompt screens carry CodeMirror, Yjs and jsdiff; load them on first use.
const PromptsPage = lazy(() =>
  import("../features/prompts/components/prompts-page").then((module) => ({ default: module.PromptsPage })),
);
const PromptPage = lazy(() =>
  import("../features/prompts/components/prompt-page").then((module) => ({ default: module.PromptPage })),
);
const DatasetsPage = lazy(() =>
  import("../features/datasets/components/datasets-page").then((module) => ({ default: module.DatasetsPage })),
);
const DatasetPage = lazy(() =>
  import("../features/datasets/components/dataset-page").then((module) => ({ default: module.DatasetPage })),
);
const EvaluatorsPage = lazy(() =>
  import("../features/evaluators/components/evaluators-page").then((module) => ({ default: module.EvaluatorsPage })),
);

// Dashboards carry ECharts, and integrations are visited rarely; load both
// on first use.
const DashboardsPage = lazy(() =>
  import("../features/dashboards/components/dashboards-page").then((module) => ({ default: module.DashboardsPage })),
);
const DashboardPage = lazy(() =>
  import("../features/dashboards/components/dashboard-page").then((module) => ({ default: module.DashboardPage })),
);
const IntegrationsPage = lazy(() =>
  import("../features/integrations/components/integrations-page").then((module) => ({
    default: module.IntegrationsPage,
  })),
);

function SignedIn() {
  const user = useCurrentUser();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  useEffect(() => {
    const onUnauthorized = () => {
      queryClient.removeQueries({ queryKey: currentUserKey });
      navigate("/login", { replace: true, state: { from: location.pathname + location.search } });
    };
    window.addEventListener("tally:unauthorized", onUnauthorized);
    return () => window.removeEventListener("tally:unauthorized", onUnauthorized);
  }, [navigate, location, queryClient]);

  if (user.isPending) return <Loading what="your account" />;
  if (user.error) {
    if (user.error instanceof ApiError && user.error.code === "unauthorized") {
      return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
    }
    return <ErrorState message={describeError(user.error, "load your account")} onRetry={() => user.refetch()} />;
  }
  return <Layout user={user.data} />;
}

function NotFound() {
  return <ErrorState message="There is no page at this address. Use the navigation above to find your way." />;
}

export function App() {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false, staleTime: 5_000 } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route element={<SignedIn />}>
            <Route index element={<Navigate to="/projects" replace />} />
            <Route path="/projects" element={<ProjectListPage />} />
            <Route path="/projects/:projectId" element={<ProjectLanding />} />
            <Route path="/projects/:projectId/data" element={<DataManagerPage />} />
            <Route
              path="/projects/:projectId/settings"
              element={
                <Suspense fallback={<Loading what="the settings" />}>
                  <ProjectSettingsPage />
                </Suspense>
              }
            />
            <Route path="/projects/:projectId/label" element={<LabelingPage />} />
            <Route path="/projects/:projectId/review" element={<ReviewPage />} />
            <Route path="/projects/:projectId/traces" element={<TracesPage />} />
            <Route path="/projects/:projectId/traces/:traceId" element={<TraceDetailPage />} />
            <Route path="/projects/:projectId/sessions" element={<SessionsPage />} />
            <Route path="/projects/:projectId/sessions/:sessionId" element={<SessionPage />} />
            <Route
              path="/projects/:projectId/scores"
              element={
                <Suspense fallback={<Loading what="the scores" />}>
                  <ScoresPage />
                </Suspense>
              }
            />
            <Route
              path="/projects/:projectId/prompts"
              element={
                <Suspense fallback={<Loading what="the prompts" />}>
                  <PromptsPage />
                </Suspense>
              }
            />
            <Route
              path="/projects/:projectId/prompts/:name"
              element={
                <Suspense fallback={<Loading what="the prompt" />}>
                  <PromptPage />
                </Suspense>
              }
            />
            <Route
              path="/projects/:projectId/datasets"
              element={
                <Suspense fallback={<Loading what="the datasets" />}>
                  <DatasetsPage />
                </Suspense>
              }
            />
            <Route
              path="/projects/:projectId/datasets/:name"
              element={
                <Suspense fallback={<Loading what="the dataset" />}>
                  <DatasetPage />
                </Suspense>
              }
            />
            <Route
              path="/projects/:projectId/evaluators"
              element={
                <Suspense fallback={<Loading what="the evaluators" />}>
                  <EvaluatorsPage />
                </Suspense>
              }
            />
            <Route
              path="/projects/:projectId/dashboards"
              element={
                <Suspense fallback={<Loading what="the dashboards" />}>
                  <DashboardsPage />
                </Suspense>
              }
            />
            <Route
              path="/projects/:projectId/dashboards/:dashboardId"
              element={
                <Suspense fallback={<Loading what="the dashboard" />}>
                  <DashboardPage />
                </Suspense>
              }
            />
            <Route
              path="/projects/:projectId/integrations"
              element={
                <Suspense fallback={<Loading what="the integrations" />}>
                  <IntegrationsPage />
                </Suspense>
              }
            />
            <Route path="/account" element={<AccountPage />} />
            <Route path="/members" element={<MembersPage />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
