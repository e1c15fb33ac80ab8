"""Part B2: clients on the training pipeline."""

from models.clients.client import CLIENTS_PIPELINE, Client, ClientResponsible

__all__ = ["CLIENTS_PIPELINE", "Client", "ClientResponsible"]
