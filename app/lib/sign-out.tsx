/** Who is signed in, and the way out: the same form on every page (board, agent view, history, admin). */
export function SignOut({ user, className = "ml-auto" }: { user: { name: string; role: string }; className?: string }) {
  return (
    <form method="post" action="/api/auth/sign-out" className={`${className} flex items-center gap-2 text-sm`} data-testid="sign-out">
      <span className="text-slate-600" data-testid="signed-in-as">
        {user.name} <span className="text-slate-600">({user.role})</span>
      </span>
      <button type="submit" className="rounded-md border border-slate-300 bg-white px-2 py-1 hover:bg-slate-100">
        Sign out
      </button>
    </form>
  );
}
