"""The engine's natural language generator: domain responses rendered from the gettext catalogs.

Loaded by Rasa from endpoints.yml (`nlg: type: nlg.catalog.CatalogNaturalLanguageGenerator`). Why
here and not in the gateway: the REST reply, the tracker and `rasa shell` then all carry the text the
worker actually reads, and the gateway stays a courier. The rendering itself is content.render, which
the gateway shares for its own notices.

The worker's language comes from the metadata of their latest message (`{"language": "vi"}`, set by
the gateway); without it (e.g. `rasa shell`), English.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from content.render import Renderer


def worker_language(tracker: DialogueStateTracker) -> Optional[str]:
    metadata = tracker.latest_message.metadata if tracker.latest_message else None
    return (metadata or {}).get("language")


class CatalogNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        domain: Optional[Domain] = None,
        renderer: Optional[Renderer] = None,
    ) -> None:
        # Rasa replaces `responses` with the loaded model's domain (it checks for this base class).
        super().__init__(domain.responses if domain else {})
        self.renderer = renderer or Renderer.load()

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        template = self._random_response_for(
            utter_action, output_channel, tracker.current_slot_values()
        )
        if template is None:
            return None
        return self.renderer.response(
            worker_language(tracker),
            utter_action,
            copy.deepcopy(template),
            topics=kwargs.get("topics") or (),
        )
