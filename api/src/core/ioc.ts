import type { Request } from 'express';
import type { IocContainer, IocContainerFactory } from '@tsoa/runtime';

/** tsoa builds each controller with the services of the app that serves the request (no globals). */
export const iocContainer: IocContainerFactory<Request> = (req) =>
  ({
    get: <T>(controller: new (services: unknown) => T): T => new controller(req.app.locals.services),
  }) as IocContainer;
