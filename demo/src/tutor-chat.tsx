// The README's `useChat` client for the AI tutor, exactly as quoted there (a test checks the
// README holds this code and drives it in Chromium): @ai-sdk/react's useChat with the AI SDK's
// DefaultChatTransport pointed at the ai-tutor function, nothing else in between.
import type { SupabaseClient } from "@supabase/supabase-js";
// <readme-tutor>
import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useState } from "react";

export function Tutor({ supabase, supabaseUrl, conversationId, questionId }: {
  supabase: SupabaseClient;
  supabaseUrl: string;
  conversationId: string; // any id of 1–100 [A-Za-z0-9_-]; a new one starts a conversation
  questionId?: string; // optional context: academyId, examId, sectionId, questionId, attemptId, subSkill
}) {
  const [input, setInput] = useState("");
  const { messages, sendMessage, status, error } = useChat({
    id: conversationId,
    transport: new DefaultChatTransport({
      api: `${supabaseUrl}/functions/v1/ai-tutor`,
      headers: async (): Promise<Record<string, string>> => ({
        Authorization: `Bearer ${(await supabase.auth.getSession()).data.session?.access_token}`,
      }),
      body: { context: { questionId } },
    }),
  });
  return (
    <section>
      {messages.map((message) => (
        <p key={message.id} data-role={message.role}>
          {message.parts.map((part) => (part.type === "text" ? part.text : "")).join("")}
        </p>
      ))}
      {error && <p role="alert">{error.message}</p>}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void sendMessage({ text: input });
          setInput("");
        }}
      >
        <input value={input} onChange={(event) => setInput(event.target.value)} aria-label="Ask the tutor" />
        <button type="submit" disabled={status === "streaming" || status === "submitted"}>Ask</button>
      </form>
    </section>
  );
}
// </readme-tutor>
