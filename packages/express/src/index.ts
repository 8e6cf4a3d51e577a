export {
  type ResponsesRouter,
  type ResponsesRouterOptions,
  responsesRouter,
} from "./responses-router.js";
