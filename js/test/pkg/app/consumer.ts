// A TypeScript user of the installed package: types resolve through package.json "exports".
import { open, OffsyncError, type OffsyncClient } from 'offsync';

interface Todo { id: string; title: string }

export async function use(): Promise<string | undefined> {
  const db: OffsyncClient<{ todo: Todo }> = await open<{ todo: Todo }>({ name: 'n', baseUrl: '/api', kinds: ['todo'] });
  try {
    return (await db.get('todo', '1'))?.title;
  } catch (e) {
    if (e instanceof OffsyncError) return e.code;
    throw e;
  }
}
