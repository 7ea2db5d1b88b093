/** Who is signed in, and the way out: on every page (the board and the agent view have their own, with the same form). */
export function SignOut({ user }: { user: { name: string; role: string } }) {
  return (
    <form method="post" action="/api/auth/sign-out" className="ml-auto flex items-center gap-2 text-sm" data-testid="sign-out">
      <span className="text-slate-600">
        {user.name} <span className="text-slate-400">({user.role})</span>
      </span>
      <button type="submit" className="rounded-md border border-slate-300 bg-white px-2 py-1 hover:bg-slate-100">
        Sign out
      </button>
    </form>
  );
}
